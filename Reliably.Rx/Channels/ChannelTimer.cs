using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Channels;

/// <summary>
/// A one-shot, restartable timer on the connection loop for a channel (attach, detach, RTL13b retry). Like
/// <see cref="LoopTimer"/>, a cancelled or restarted timer never fires late; unlike it, a cancelled timer drops its action
/// at once: schedulers such as <c>EventLoopScheduler</c> keep a cancelled item queued until its due time, and that item
/// must not keep a released channel (and everything it owns) alive for realtimeRequestTimeout.
/// </summary>
internal sealed class ChannelTimer
{
    private readonly ConnectionLoop _loop;
    private Cell? _cell;

    public ChannelTimer(ConnectionLoop loop)
    {
        _loop = loop;
    }

    /// <summary>True while started and not yet fired or cancelled.</summary>
    public bool IsRunning => _cell is not null;

    /// <summary>Starts (or restarts) the timer. Must be called on the loop.</summary>
    public void Start(TimeSpan dueTime, Action action)
    {
        Cancel();
        var cell = new Cell(this, action);
        _cell = cell;
        cell.Scheduled = _loop.Scheduler.Schedule(cell, dueTime, static (_, c) =>
        {
            c.Owner._loop.RunOnLoop(c.Fire);
            return Disposable.Empty;
        });
    }

    /// <summary>Cancels the timer if it is running. Must be called on the loop.</summary>
    public void Cancel()
    {
        if (_cell is { } cell)
        {
            _cell = null;
            cell.Cancel();
        }
    }

    private sealed class Cell
    {
        private Action? _action;

        public Cell(ChannelTimer owner, Action action)
        {
            Owner = owner;
            _action = action;
        }

        public ChannelTimer Owner { get; }

        public IDisposable? Scheduled { get; set; }

        public void Fire()
        {
            var action = _action;
            if (action is null || !ReferenceEquals(Owner._cell, this))
            {
                return;
            }

            _action = null;
            Owner._cell = null;
            action();
        }

        public void Cancel()
        {
            _action = null;
            Scheduled?.Dispose();
            Scheduled = null;
        }
    }
}
