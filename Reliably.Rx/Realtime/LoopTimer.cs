using System.Reactive.Concurrency;

namespace Reliably.Rx.Realtime;

/// <summary>
/// A one-shot, restartable timer owned by the connection loop. It runs its action on the loop, and a cancelled or
/// restarted timer never fires late: each start gets a generation, and a callback from an old generation is ignored
/// (a scheduled item may already be queued when it is disposed).
/// </summary>
internal sealed class LoopTimer
{
    private readonly ConnectionLoop _loop;
    private readonly string _name;
    private IDisposable? _scheduled;
    private long _generation;

    public LoopTimer(ConnectionLoop loop, string name)
    {
        _loop = loop;
        _name = name;
    }

    /// <summary>True while started and not yet fired or cancelled.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>When the timer is due, in scheduler time, while running.</summary>
    public DateTimeOffset DueAt { get; private set; }

    /// <summary>Starts (or restarts) the timer. Must be called on the loop.</summary>
    public void Start(TimeSpan dueTime, Action action)
    {
        Cancel();
        var generation = ++_generation;
        IsRunning = true;
        DueAt = _loop.Scheduler.Now + dueTime;
        _scheduled = _loop.Scheduler.Schedule(dueTime, () => _loop.RunOnLoop(() =>
        {
            if (generation != _generation || !IsRunning)
            {
                return;
            }

            IsRunning = false;
            _scheduled = null;
            action();
        }));
    }

    /// <summary>Cancels the timer if it is running. Must be called on the loop.</summary>
    public void Cancel()
    {
        _generation++;
        IsRunning = false;
        _scheduled?.Dispose();
        _scheduled = null;
    }

    public override string ToString() => _name + (IsRunning ? " due " + DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : " idle");
}
