using System.Reactive.Concurrency;

namespace Reliably.Rx.Tests.Realtime.Integration;

/// <summary>
/// A <see cref="HistoricalScheduler"/> behind a lock, so socket threads may schedule while the test advances time.
/// For integration tests that need a client whose clock (and so whose loop) only moves when the test says.
/// </summary>
internal sealed class LockedVirtualScheduler : IScheduler
{
    private readonly object _gate = new();
    private readonly HistoricalScheduler _inner = new(DateTimeOffset.UnixEpoch);

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return _inner.Now;
            }
        }
    }

    public void AdvanceBy(TimeSpan time)
    {
        lock (_gate)
        {
            _inner.AdvanceBy(time);
        }
    }

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate)
        {
            return _inner.Schedule(state, (_, s) => action(this, s));
        }
    }

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate)
        {
            return _inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate)
        {
            return _inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }
}
