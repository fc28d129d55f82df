using System.Diagnostics;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Testing.Tests.Acceptance;

/// <summary>
/// Lossless delivery through everything the network and the server can do to a subscriber in 10 virtual minutes:
/// dropped transports (resumed, RTN15c6), forgotten connections (failed resumes, RTN15c7), a server DISCONNECTED
/// (RTN15h), a server DETACHED (RTL13) and an outage longer than connectionStateTtl (SUSPENDED, the server's state
/// discarded), while a publisher elsewhere publishes 10,000 messages. With AutoBackfill the subscriber receives every
/// message once, in order.
/// </summary>
[TestFixture]
public sealed class TenMinutesOfFaultsTests
{
    private const int Count = 10_000;
    private const string Channel = "telemetry";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(59);
    private static readonly TimeSpan FirstPublish = TimeSpan.FromSeconds(5);

    [Test]
    public void TenMinutesOfFaults_NoMessageLost() => Scenario();

    /// <summary>The wall time once warm (measured, not asserted: it depends on the machine).</summary>
    [Test]
    [Explicit("a measurement")]
    public void TenMinutesOfFaults_wall_time_when_warm()
    {
        Scenario();
        Scenario();
        Scenario();
    }

    private static void Scenario()
    {
        var wall = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        var subscriber = ably.CreateRealtime();
        using var publisher = ably.CreateRest();
        var channel = subscriber.Channels.Get(Channel, new ChannelOptions { AutoBackfill = true });
        var received = new List<string?>();
        var discontinuities = new List<(TimeSpan At, ChannelDiscontinuity Gap)>();
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var messages = channel.Messages().Subscribe(m => received.Add(m.Name), ex => Assert.Fail("the message stream failed: " + ex));
        using var gaps = channel.Discontinuities.Subscribe(d => discontinuities.Add((scheduler.Elapsed(), d)), _ => { });
        using var watch = subscriber.Connection.StateChanges.Subscribe(states);

        // The publisher: one REST publish every 59 ms, from 5 s to about 595 s, each checked.
        var published = new List<Task>(Count);
        for (var i = 0; i < Count; i++)
        {
            var n = i;
            scheduler.Schedule(FirstPublish + (Interval * i), () => published.Add(publisher.Channels.Get(Channel).PublishAsync("m" + n, "payload " + n)));
        }

        // The faults, on the subscriber only.
        At(scheduler, 60, () => ably.Faults.DropConnection(subscriber.Connection.Id!));
        At(scheduler, 120, () => ably.Faults.ForgetConnection(subscriber.Connection.Id!, dropTransport: true));
        At(scheduler, 180, () => ably.Faults.Disconnect(subscriber.Connection.Id!));
        At(scheduler, 240, () => ably.Network.Outage(TimeSpan.FromSeconds(150), subscriber.Options));
        At(scheduler, 450, () => ably.Faults.DropConnection(subscriber.Connection.Id!));
        At(scheduler, 480, () => ably.Faults.ForgetConnection(subscriber.Connection.Id!, dropTransport: true));
        At(scheduler, 540, () => ably.Faults.DetachChannel(subscriber.Connection.Id!, Channel));
        At(scheduler, 570, () => ably.Faults.DropConnection(subscriber.Connection.Id!));

        scheduler.AdvanceTo(TimeSpan.FromMinutes(10).Ticks + TimeSpan.FromSeconds(30).Ticks);
        wall.Stop();

        Assert.That(published, Has.Count.EqualTo(Count));
        Assert.That(published.Where(t => !t.IsCompletedSuccessfully).Select(t => t.Status + " " + t.Exception?.GetBaseException().Message).Take(3), Is.Empty, "every publish was accepted");
        Assert.That(received, Has.Count.EqualTo(Count), "every message once");
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, Count).Select(i => "m" + i)), "in order");

        var changes = states.Values().Select(v => v.Value.Current).ToList();
        Assert.That(changes, Does.Contain(ConnectionState.Suspended), "the outage outlived connectionStateTtl");
        Assert.That(discontinuities.Select(d => d.Gap.Backfilling), Is.Not.Empty.And.All.True, "every gap was backfilled");
        Assert.That(subscriber.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));

        foreach (var (at, gap) in discontinuities)
        {
            TestContext.Out.WriteLine($"{at:c} {gap.Kind} {gap.Reason?.Code} backfilling={gap.Backfilling}");
        }

        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        TestContext.Out.WriteLine($"10 virtual minutes, {Count} messages, {changes.Count} connection changes: {wall.Elapsed.TotalMilliseconds:0} ms of wall time, {cpu.TotalMilliseconds:0} ms of CPU");
        subscriber.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void At(TestScheduler scheduler, int seconds, Action fault) =>
        scheduler.Schedule(TimeSpan.FromSeconds(seconds), () => fault());
}
