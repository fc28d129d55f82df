using System.Reactive.Concurrency;

namespace Reliably.Rx.Samples.VirtualTime;

/// <summary>
/// A thread-safe virtual clock for driving an <see cref="AblyRealtime"/> client: a <see cref="HistoricalScheduler"/>
/// behind a lock, so socket threads can schedule work while the test thread advances time. Give it to the client as
/// <see cref="ClientOptions.Scheduler"/>; every retry, backoff, TTL and timeout of the client then follows this clock.
/// </summary>
public sealed class VirtualClock : IScheduler
{
    private readonly object _gate = new();
    private readonly HistoricalScheduler _inner;

    /// <summary>Creates a clock that starts at <paramref name="start"/> (the Unix epoch by default).</summary>
    public VirtualClock(DateTimeOffset? start = null)
    {
        Start = start ?? DateTimeOffset.UnixEpoch;
        _inner = new HistoricalScheduler(Start);
    }

    /// <summary>When the clock started.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The current virtual time.</summary>
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

    /// <summary>Virtual time elapsed since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => Now - Start;

    /// <summary>Runs everything due up to <paramref name="time"/>, moving the clock there.</summary>
    public void AdvanceBy(TimeSpan time)
    {
        lock (_gate)
        {
            _inner.AdvanceBy(time);
        }
    }

    /// <inheritdoc />
    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate)
        {
            return _inner.Schedule(state, (_, s) => action(this, s));
        }
    }

    /// <inheritdoc />
    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate)
        {
            return _inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }

    /// <inheritdoc />
    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate)
        {
            return _inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }
}
