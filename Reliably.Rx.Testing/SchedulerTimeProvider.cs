using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reliably.Rx.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock and timers are an Rx <see cref="IScheduler"/>: <see cref="GetUtcNow"/> is
/// <see cref="IScheduler.Now"/>, and every timer is a scheduled item that runs when the scheduler reaches it. Given a
/// <c>TestScheduler</c>, code written against <see cref="TimeProvider"/> (<c>Task.Delay(delay, timeProvider)</c>,
/// <see cref="TimeProvider.CreateTimer"/>) runs in the test's virtual time, on the thread that advances it. The in-memory
/// Ably's server uses one, so the server and the client share one clock.
/// </summary>
/// <remarks>
/// A <c>TestScheduler</c> is not thread-safe: create timers and advance the scheduler from one thread. A timer due now
/// (or in the past) runs at the scheduler's next step, never inline.
/// </remarks>
public sealed class SchedulerTimeProvider : TimeProvider
{
    /// <summary>Creates a time provider over <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">The clock and timer source, typically the test's <c>TestScheduler</c>.</param>
    public SchedulerTimeProvider(IScheduler scheduler)
    {
        Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
    }

    /// <summary>The scheduler behind this time provider.</summary>
    public IScheduler Scheduler { get; }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Ticks of 100 ns, like <see cref="DateTimeOffset.UtcTicks"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Scheduler.Now.ToUniversalTime();

    /// <inheritdoc />
    public override long GetTimestamp() => Scheduler.Now.UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SchedulerTimer(Scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>One timer: at most one scheduled item at a time; changing or disposing it cancels the pending item.</summary>
    private sealed class SchedulerTimer : ITimer
    {
        private readonly object _gate = new();
        private readonly IScheduler _scheduler;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private IDisposable? _pending;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private long _generation;
        private bool _disposed;

        public SchedulerTimer(IScheduler scheduler, TimerCallback callback, object? state)
        {
            _scheduler = scheduler;
            _callback = callback;
            _state = state;
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateTime(dueTime, nameof(dueTime));
            ValidateTime(period, nameof(period));
            lock (_gate)
            {
                if (_disposed)
                {
                    return false;
                }

                _pending?.Dispose();
                _pending = null;
                _period = period;
                var generation = ++_generation;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    _pending = _scheduler.Schedule(generation, dueTime, Fire);
                }

                return true;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _generation++;
                _pending?.Dispose();
                _pending = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private IDisposable Fire(IScheduler scheduler, long generation)
        {
            lock (_gate)
            {
                if (_disposed || generation != _generation)
                {
                    return Disposable.Empty;
                }

                // A periodic timer's next run is scheduled before the callback, so a slow callback does not drift it.
                _pending = _period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero
                    ? scheduler.Schedule(generation, _period, Fire)
                    : null;
            }

            _callback(_state);
            return Disposable.Empty;
        }

        private static void ValidateTime(TimeSpan value, string name)
        {
            if (value != Timeout.InfiniteTimeSpan && value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, "A timer's times must be zero or more, or Timeout.InfiniteTimeSpan.");
            }
        }
    }
}
