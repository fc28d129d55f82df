namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The UTS pseudocode's verbs in C# (uts/docs/writing-derived-tests.md, "Map pseudocode to language idioms"), on top of
/// Reliably.Rx.Testing: <c>MockWebSocket</c> and <c>MockHttpClient</c> are a <see cref="ScriptedAbly"/>,
/// <c>enable_fake_timers()</c> is its <see cref="TestScheduler"/>, <c>ADVANCE_TIME(ms)</c> is
/// <see cref="AdvanceTime"/>, <c>AWAIT_STATE</c> is <see cref="AwaitState"/>, <c>AWAIT op()</c> is
/// <see cref="Await{T}(TestScheduler, Task{T}, TimeSpan?)"/>, and <c>process_pending_events()</c> is
/// <see cref="ProcessPendingEvents"/>.
/// </summary>
public static class Uts
{
    /// <summary>How much virtual time an AWAIT may take before the test fails (the specs' own waits are seconds).</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(5);

    /// <summary>A scheduler and a scripted server on it (the specs' <c>install_mock(mock_ws)</c> with fake timers).</summary>
    public static (TestScheduler Scheduler, ScriptedAbly Server) Mock(int seed = 0)
    {
        var scheduler = new TestScheduler();
        return (scheduler, new ScriptedAbly(scheduler, seed));
    }

    /// <summary><c>ADVANCE_TIME(ms)</c>: runs everything due within <paramref name="time"/> of virtual time.</summary>
    public static void AdvanceTime(this TestScheduler scheduler, TimeSpan time) => scheduler.AdvanceBy(time.Ticks);

    /// <summary><c>ADVANCE_TIME(ms)</c> in milliseconds, as the specs write it.</summary>
    public static void AdvanceTime(this TestScheduler scheduler, int milliseconds) => scheduler.AdvanceBy(TimeSpan.FromMilliseconds(milliseconds).Ticks);

    /// <summary>
    /// <c>process_pending_events()</c>: runs every item already due now (frames in flight, loop turns, deliveries) and what
    /// they queue for now in turn, firing no timer, so a negative assertion ("nothing happened") sees everything that was
    /// going to happen now. (<c>AdvanceBy(0)</c> would run nothing: see <see cref="TestSchedulerExtensions.RunPending"/>.)
    /// </summary>
    public static void ProcessPendingEvents(this TestScheduler scheduler) => scheduler.RunPending();

    /// <summary><c>AWAIT_STATE connection.state == state</c>: advances until the connection is in <paramref name="state"/>.</summary>
    public static void AwaitState(this TestScheduler scheduler, Connection connection, ConnectionState state, TimeSpan? limit = null)
    {
        if (!scheduler.AdvanceUntil(() => connection.State == state, limit ?? DefaultLimit))
        {
            Assert.Fail($"AWAIT_STATE: connection still {connection.State}, not {state}, after {limit ?? DefaultLimit} of virtual time ({connection.ErrorReason}).");
        }
    }

    /// <summary><c>AWAIT_STATE channel.state == state</c>: advances until the channel is in <paramref name="state"/>.</summary>
    public static void AwaitState(this TestScheduler scheduler, RealtimeChannel channel, ChannelState state, TimeSpan? limit = null)
    {
        if (!scheduler.AdvanceUntil(() => channel.State == state, limit ?? DefaultLimit))
        {
            Assert.Fail($"AWAIT_STATE: channel {channel.Name} still {channel.State}, not {state}, after {limit ?? DefaultLimit} of virtual time ({channel.ErrorReason}).");
        }
    }

    /// <summary><c>result = AWAIT op()</c>: advances until the task completes and returns its result (or throws its exception).</summary>
    public static T Await<T>(this TestScheduler scheduler, Task<T> task, TimeSpan? limit = null) =>
        scheduler.AdvanceUntilCompleted(task, limit ?? DefaultLimit);

    /// <summary><c>AWAIT op()</c>: advances until the task completes (or throws its exception).</summary>
    public static void Await(this TestScheduler scheduler, Task task, TimeSpan? limit = null) =>
        scheduler.AdvanceUntilCompleted(task, limit ?? DefaultLimit);

    /// <summary>
    /// <c>AWAIT op() FAILS WITH error</c>: advances until the task completes and returns the <see cref="AblyException"/> it
    /// failed with; fails the test if it succeeded or failed otherwise.
    /// </summary>
    public static AblyException AwaitFailure(this TestScheduler scheduler, Task task, TimeSpan? limit = null)
    {
        try
        {
            scheduler.AdvanceUntilCompleted(task, limit ?? DefaultLimit);
        }
        catch (AblyException ex)
        {
            return ex;
        }

        Assert.Fail("Expected the operation to fail with an AblyException, but it succeeded.");
        throw new InvalidOperationException("unreachable");
    }
}
