using System.Diagnostics;
using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Testing.Tests.Acceptance;

/// <summary>
/// What Reliably.Rx.Testing is for: a user's own component (<see cref="ConnectionIndicator"/>) tested through a 3-minute
/// outage in virtual time, with the exact virtual time of every retry and of every indicator change, the same on every
/// run.
/// </summary>
[TestFixture]
public sealed class UserComponentTests
{
    private static readonly TimeSpan OutageStart = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan OutageLength = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);

    [Test]
    public void UserComponent_ShowsOfflineAfter20s_AndOnlineOnReconnect()
    {
        var run = Run();
        var changes = run.States;

        // The connection: lost when the outage starts, an immediate retry (RTN15a), then retries backing off 15, 20, 25,
        // 30 s less jitter in [0.8, 1] (RTB1), SUSPENDED once connectionStateTtl (120 s) has passed since the loss
        // (RTN14e), a retry every suspendedRetryTimeout (30 s, RTN14f), and CONNECTED on the first retry after the outage.
        // Times to the millisecond for seed 0; the tick-exact relations are asserted below.
        Assert.That(changes.Select(c => $"{c.At.TotalSeconds:0.000} {c.Change.Current}"), Is.EqualTo(new[]
        {
            "0.000 Initialized", "0.000 Connecting", "0.000 Connected",
            "60.000 Disconnected", "60.000 Connecting", "60.000 Disconnected",
            "73.666 Connecting", "73.666 Disconnected",
            "93.236 Connecting", "93.236 Disconnected",
            "117.664 Connecting", "117.664 Disconnected",
            "146.716 Connecting", "146.716 Disconnected",
            "175.641 Connecting", "175.641 Disconnected",
            "180.000 Suspended",
            "210.000 Connecting", "210.000 Suspended",
            "240.000 Connecting", "240.000 Connected",
        }));

        // Every retry starts exactly RetryIn after the change that announced it, to the tick (the last DISCONNECTED's retry
        // is overtaken by SUSPENDED at 180 s).
        var retries = 0;
        for (var i = 1; i < changes.Count; i++)
        {
            if (changes[i].Change.Current == ConnectionState.Connecting && changes[i - 1].Change.RetryIn is { } retryIn && retryIn > TimeSpan.Zero)
            {
                retries++;
                Assert.That(changes[i].At - changes[i - 1].At, Is.EqualTo(retryIn), $"retry at {changes[i].At}");
            }
        }

        Assert.That(retries, Is.EqualTo(7));
        var announced = changes.Where(c => c.Change.RetryIn > TimeSpan.Zero).ToList();

        // RTB1: the n-th retry while DISCONNECTED waits 15 s x min((n + 2) / 3, 2) x jitter in [0.8, 1].
        var backoffs = announced.Where(c => c.Change.Current == ConnectionState.Disconnected).Select(c => c.Change.RetryIn!.Value.TotalSeconds).ToList();
        for (var n = 1; n <= backoffs.Count; n++)
        {
            var bound = 15 * Math.Min((n + 2) / 3.0, 2.0);
            Assert.That(backoffs[n - 1], Is.InRange(bound * 0.8, bound), $"RTB1 retry {n}");
        }

        Assert.That(announced.Where(c => c.Change.Current == ConnectionState.Suspended).Select(c => c.Change.RetryIn), Is.All.EqualTo(TimeSpan.FromSeconds(30)));
        var lost = changes.First(c => c.Change.Current == ConnectionState.Disconnected);
        Assert.That(changes.First(c => c.Change.Current == ConnectionState.Suspended).At - lost.At, Is.EqualTo(TimeSpan.FromSeconds(120)), "RTN14e, to the tick");

        // The indicator: online once connected, offline exactly 20 s after the loss, online again on reconnection.
        var connected = changes.Where(c => c.Change.Current == ConnectionState.Connected).Select(c => c.At).ToList();
        Assert.That(run.Online, Is.EqualTo(new[] { (connected[0], true), (lost.At + Grace, false), (connected[1], true) }));
        Assert.That(connected[1], Is.GreaterThanOrEqualTo(OutageStart + OutageLength));
    }

    [Test]
    public void UserComponent_ShowsOfflineAfter20s_AndOnlineOnReconnect_1000_runs_give_one_timeline()
    {
        var first = Run().Describe();
        Run();
        var wall = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 1000; i++)
        {
            var started = wall.Elapsed;
            var timeline = Run().Describe();
            slowest = wall.Elapsed - started > slowest ? wall.Elapsed - started : slowest;
            Assert.That(timeline, Is.EqualTo(first), $"run {i + 1}");
        }

        // Measured, not asserted: wall time depends on the machine (see docs/testing.md for the figures).
        TestContext.Out.WriteLine($"1000 warm runs: {wall.Elapsed.TotalMilliseconds / 1000:0.00} ms per run on average, slowest {slowest.TotalMilliseconds:0.00} ms");
    }

    /// <summary>One run: the connection's changes and the indicator's values, each with its virtual time.</summary>
    internal static Timeline Run()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        var client = ably.CreateRealtime();
        var indicator = new ConnectionIndicator(client.Connection, scheduler, Grace);
        var online = scheduler.CreateObserver<bool>();
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using (indicator.Online.Subscribe(online))
        using (client.Connection.StateChanges.Subscribe(states))
        {
            scheduler.AdvanceTo(OutageStart.Ticks);
            ably.Network.Outage(OutageLength);
            scheduler.AdvanceTo((OutageStart + OutageLength + TimeSpan.FromMinutes(1)).Ticks);
        }

        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new Timeline(states.Values(), online.Values());
    }

    internal sealed record Timeline(IReadOnlyList<(TimeSpan At, ConnectionStateChange Change)> States, IReadOnlyList<(TimeSpan At, bool Online)> Online)
    {
        /// <summary>Every event with its virtual time to the tick, as text.</summary>
        public List<string> Describe() =>
            States.Select(s => $"{s.At.Ticks} {s.Change}").Concat(Online.Select(o => $"{o.At.Ticks} online={o.Online}")).ToList();
    }
}
