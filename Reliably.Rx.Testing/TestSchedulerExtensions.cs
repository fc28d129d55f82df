using System.Reactive.Concurrency;
using System.Reflection;
using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Testing;

/// <summary>
/// What a <see cref="TestScheduler"/> lacks for testing a client that never goes idle: advance until a condition holds
/// (or a limit of virtual time passes), until a task completes, or to a connection's next announced retry.
/// </summary>
/// <remarks>
/// <para><b>Why not <c>TestScheduler.Start()</c>.</b> <c>Start()</c> runs scheduled items until none is left. A realtime
/// client always has one: while connected, its idle timer (RTN23a) and the server's heartbeats; while disconnected or
/// suspended, its next retry (RTN14d, RTN14f), for ever. So <c>Start()</c> never returns: it runs virtual days of retries.
/// Use <c>AdvanceBy</c>/<c>AdvanceTo</c> for a known span of time, and these helpers to stop at an event.</para>
/// <para><b>Exact stops.</b> These helpers advance one scheduled item at a time and check the condition after each, so
/// the clock stops at the virtual time of the item that made the condition true, not at the end of some step.</para>
/// <para><b>One thread.</b> A <see cref="TestScheduler"/> is not thread-safe: advance it from the test's thread only, and
/// do not <c>await</c> a task that only the scheduler can complete (nothing would advance it); advance until it completes
/// (<see cref="AdvanceUntilCompleted{T}(TestScheduler, Task{T}, TimeSpan)"/>), then use its result.</para>
/// </remarks>
public static class TestSchedulerExtensions
{
    // VirtualTimeScheduler's next item (it skips cancelled ones); protected, so reached by reflection. Stable since Rx 2.
    private static readonly MethodInfo GetNext = typeof(VirtualTimeScheduler<long, long>).GetMethod("GetNext", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMethodException("VirtualTimeScheduler.GetNext not found: an unsupported version of System.Reactive.");

    /// <summary>The virtual time elapsed since the scheduler's start (its clock, in ticks of 100 ns).</summary>
    /// <param name="scheduler">The scheduler.</param>
    public static TimeSpan Elapsed(this TestScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return TimeSpan.FromTicks(scheduler.Clock);
    }

    /// <summary>
    /// Runs scheduled items in order until <paramref name="condition"/> holds (checked first, then after each item), or
    /// until <paramref name="limit"/> of virtual time has passed (the clock then ends exactly at the limit).
    /// </summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="condition">What to wait for; called on this thread between items.</param>
    /// <param name="limit">The most virtual time to advance.</param>
    /// <returns>True when the condition holds, false when the limit was reached first.</returns>
    public static bool AdvanceUntil(this TestScheduler scheduler, Func<bool> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(condition);
        if (limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must not be negative.");
        }

        var end = scheduler.Clock + limit.Ticks;
        while (!condition())
        {
            var next = (IScheduledItem<long>?)GetNext.Invoke(scheduler, null);
            if (next is null || next.DueTime > end)
            {
                if (scheduler.Clock < end)
                {
                    scheduler.AdvanceTo(end);
                }

                return condition();
            }

            // Runs every item due at that time, in order: the condition is checked once they have all run.
            scheduler.AdvanceTo(Math.Max(next.DueTime, scheduler.Clock));
        }

        return true;
    }

    /// <summary>
    /// Runs the work pending now, and the work it queues for now in turn, without letting any timer fire: what tests call
    /// "process pending events" before asserting that something did not happen. A <see cref="TestScheduler"/> queues an
    /// item due now (or in the past) one tick after its clock, so each wave of immediate work moves the clock by one tick;
    /// this runs wave after wave until the next item is a real delay away.
    /// </summary>
    /// <remarks>Plain <c>AdvanceBy(0)</c> runs nothing: a virtual-time scheduler returns at once when asked to advance to its own clock.</remarks>
    /// <param name="scheduler">The scheduler.</param>
    public static void RunPending(this TestScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        while (GetNext.Invoke(scheduler, null) is IScheduledItem<long> next && next.DueTime <= scheduler.Clock + 1)
        {
            scheduler.AdvanceTo(Math.Max(next.DueTime, scheduler.Clock + 1));
        }
    }

    /// <summary>Advances until <paramref name="task"/> completes, then returns its result (or throws its exception).</summary>
    /// <param name="scheduler">The scheduler that completes the task.</param>
    /// <param name="task">A task of a client driven by <paramref name="scheduler"/>.</param>
    /// <param name="limit">The most virtual time to advance.</param>
    /// <exception cref="TimeoutException">The task did not complete within <paramref name="limit"/> of virtual time.</exception>
    public static T AdvanceUntilCompleted<T>(this TestScheduler scheduler, Task<T> task, TimeSpan limit)
    {
        AdvanceUntilCompleted(scheduler, (Task)task, limit);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Advances until <paramref name="task"/> completes, then rethrows its exception, if any.</summary>
    /// <param name="scheduler">The scheduler that completes the task.</param>
    /// <param name="task">A task of a client driven by <paramref name="scheduler"/>.</param>
    /// <param name="limit">The most virtual time to advance.</param>
    /// <exception cref="TimeoutException">The task did not complete within <paramref name="limit"/> of virtual time.</exception>
    public static void AdvanceUntilCompleted(this TestScheduler scheduler, Task task, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!scheduler.AdvanceUntil(() => task.IsCompleted, limit))
        {
            throw new TimeoutException($"The task did not complete within {limit} of virtual time (now {scheduler.Elapsed()}).");
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Advances to the connection's next announced retry: until it announces one (a DISCONNECTED or SUSPENDED change with
    /// a <see cref="ConnectionStateChange.RetryIn"/>; the current state counts), then until that retry starts. The clock
    /// ends at the retry's exact virtual time.
    /// </summary>
    /// <param name="scheduler">The connection's scheduler.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="limit">The most virtual time to advance.</param>
    /// <returns>The change that announced the retry.</returns>
    /// <exception cref="TimeoutException">No retry was announced and started within <paramref name="limit"/>.</exception>
    public static ConnectionStateChange AdvanceToNextRetry(this TestScheduler scheduler, Connection connection, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(connection);
        ConnectionStateChange? announced = null;
        using var watch = connection.StateChanges.Subscribe(
            change =>
            {
                // The latest announcement wins: a DISCONNECTED's retry may be overtaken by SUSPENDED (RTN14e) before it is due.
                if (change.Current is ConnectionState.Disconnected or ConnectionState.Suspended && change.RetryIn > TimeSpan.Zero)
                {
                    announced = change;
                }
            },
            _ => { });

        // The announcement reaches the observer one scheduler step after the loop made it; the retry itself is the loop's
        // timer, visible at once in the connection's state.
        var started = scheduler.AdvanceUntil(
            () => announced is not null && connection.State is not (ConnectionState.Disconnected or ConnectionState.Suspended),
            limit);
        return started
            ? announced!
            : throw new TimeoutException($"No announced retry started within {limit} of virtual time (now {scheduler.Elapsed()}, state {connection.State}).");
    }

    /// <summary>The values an observer recorded, each with its virtual time, in order (errors and completion left out).</summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="observer">An observer from <c>scheduler.CreateObserver&lt;T&gt;()</c>.</param>
    public static IReadOnlyList<(TimeSpan At, T Value)> Values<T>(this ITestableObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return observer.Messages
            .Where(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext)
            .Select(m => (TimeSpan.FromTicks(m.Time), m.Value.Value))
            .ToList();
    }
}
