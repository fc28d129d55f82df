using Reliably.Rx.Randomness;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class ConnectionAttemptsTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(120);

    private static ConnectionAttempts Attempts(ComponentRig rig) =>
        new(rig.Loop, new RandomSource(new RealtimeHarness.PinnedRandom()), TimeSpan.FromSeconds(15));

    [Test]
    public void RTN14c_the_attempt_times_out_with_its_own_id_and_a_newer_attempt_makes_it_stale()
    {
        var rig = new ComponentRig();
        var attempts = Attempts(rig);
        var timedOut = new List<int>();
        var first = attempts.Begin(TimeSpan.FromSeconds(10), timedOut.Add);
        Assert.That(attempts.AwaitingCredentials, Is.True);
        var second = attempts.Supersede();
        Assert.That(attempts.IsCurrent(first), Is.False);
        Assert.That(attempts.IsCurrent(second), Is.True);

        rig.Advance(TimeSpan.FromSeconds(10));
        Assert.That(timedOut, Is.EqualTo(new[] { first }), "the timer still reports the attempt it was started for");

        var third = attempts.Begin(TimeSpan.FromSeconds(10), timedOut.Add);
        attempts.EndAttempt();
        rig.Advance(TimeSpan.FromSeconds(20));
        Assert.That(timedOut, Is.EqualTo(new[] { first }), "an ended attempt does not time out");
        Assert.That(third, Is.GreaterThan(second));
    }

    [Test]
    public void RTB1_retry_delays_grow_with_the_backoff_and_restart_after_CONNECTED()
    {
        var rig = new ComponentRig();
        var attempts = Attempts(rig);

        // Jitter pinned to 1: 15 s × min((n + 2) / 3, 2).
        var delays = Enumerable.Range(0, 5).Select(_ => attempts.NextRetryDelay().TotalSeconds).ToArray();
        Assert.That(delays, Is.EqualTo(new[] { 15, 20, 25, 30, 30 }).Within(0.001));
        attempts.Connected();
        Assert.That(attempts.RetryCount, Is.Zero);
        Assert.That(attempts.NextRetryDelay(), Is.EqualTo(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public void RTN14e_connectionStateTtl_counts_from_the_start_of_the_cycle_and_then_suspends()
    {
        var rig = new ComponentRig();
        var attempts = Attempts(rig);
        var suspended = 0;
        attempts.StartCycle(Ttl, () => suspended++);
        rig.Advance(TimeSpan.FromSeconds(100));
        attempts.StartCycle(Ttl, () => suspended += 100);
        Assert.That(attempts.Lost(Ttl, wasConnected: false, () => suspended += 100), Is.False);
        rig.Advance(TimeSpan.FromSeconds(20));
        Assert.That(suspended, Is.EqualTo(1), "a cycle under way keeps its first clock");
        Assert.That(attempts.Lost(Ttl, wasConnected: false, () => { }), Is.True, "120 s have passed");
    }

    [Test]
    public void RTN15a_losing_a_connection_starts_the_clock_and_CONNECTED_stops_it()
    {
        var rig = new ComponentRig();
        var attempts = Attempts(rig);
        var suspended = 0;
        Assert.That(attempts.Lost(Ttl, wasConnected: true, () => suspended++), Is.False);
        Assert.That(attempts.SuspendClockRunning, Is.True);
        attempts.Connected();
        Assert.That(attempts.SuspendClockRunning, Is.False);
        rig.Advance(Ttl);
        Assert.That(suspended, Is.Zero);
    }

    [Test]
    public void RTN14e_Suspend_stops_every_timer_and_RetryAfter_retries_once()
    {
        var rig = new ComponentRig();
        var attempts = Attempts(rig);
        var events = new List<string>();
        attempts.StartCycle(Ttl, () => events.Add("suspend"));
        attempts.Begin(TimeSpan.FromSeconds(10), _ => events.Add("timeout"));
        attempts.Suspend();
        attempts.RetryAfter(TimeSpan.FromSeconds(30), () => events.Add("retry"));
        rig.Advance(Ttl + Ttl);
        Assert.That(events, Is.EqualTo(new[] { "retry" }));
    }

    [Test]
    public void RTN14b_the_token_renewal_of_a_cycle_is_forgotten_on_CONNECTED_and_on_reset()
    {
        var attempts = Attempts(new ComponentRig());
        attempts.TokenRenewed = true;
        attempts.Connected();
        Assert.That(attempts.TokenRenewed, Is.False);
        attempts.TokenRenewed = true;
        attempts.NextRetryDelay();
        attempts.Reset();
        Assert.That((attempts.TokenRenewed, attempts.RetryCount), Is.EqualTo((false, 0)));
    }
}
