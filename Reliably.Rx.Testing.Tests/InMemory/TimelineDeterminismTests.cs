using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Testing.Tests.InMemory;

/// <summary>
/// Determinism beyond one client: two subscribers (msgpack and JSON) and a REST publisher through a failed resume, one
/// client's outage and a drop of every connection give the same interleaved (virtual time, event) sequence on every
/// run, message ids, timestamps and connection ids included; another seed gives another one.
/// </summary>
[TestFixture]
public sealed class TimelineDeterminismTests
{
    [Test]
    public void Several_clients_through_faults_give_one_interleaved_timeline_per_seed()
    {
        var first = Run(seed: 0);
        for (var i = 0; i < 20; i++)
        {
            Assert.That(Run(seed: 0), Is.EqualTo(first), $"run {i + 2}");
        }

        Assert.That(Run(seed: 1), Is.Not.EqualTo(first));
        Assert.That(first.Count(e => e.Contains(" A m", StringComparison.Ordinal)), Is.EqualTo(300), "A received every message once");
        Assert.That(first.Count(e => e.Contains(" B m", StringComparison.Ordinal)), Is.EqualTo(300), "B received every message once");
    }

    private static List<string> Run(int seed)
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler, new InMemoryAblyOptions { Seed = seed });
        var a = ably.CreateRealtime();
        var b = ably.CreateRealtime(o => o with { UseBinaryProtocol = false });
        using var publisher = ably.CreateRest();
        var events = new List<string>();
        using var sa = a.Connection.StateChanges.Subscribe(c => events.Add($"{scheduler.Clock} A {c}"));
        using var sb = b.Connection.StateChanges.Subscribe(c => events.Add($"{scheduler.Clock} B {c}"));
        using var ma = a.Channels.Get("x", new ChannelOptions { AutoBackfill = true }).Messages()
            .Subscribe(m => events.Add($"{scheduler.Clock} A {m.Name} {m.Id} {m.Timestamp?.Ticks} {m.ConnectionId}"));
        using var mb = b.Channels.Get("x", new ChannelOptions { AutoBackfill = true }).Messages()
            .Subscribe(m => events.Add($"{scheduler.Clock} B {m.Name} {m.Id} {m.Timestamp?.Ticks} {m.ConnectionId}"));
        for (var i = 0; i < 300; i++)
        {
            var n = i;
            scheduler.Schedule(TimeSpan.FromSeconds(1) + (TimeSpan.FromMilliseconds(700) * i), () => publisher.Channels.Get("x").PublishAsync("m" + n, "p"));
        }

        scheduler.Schedule(TimeSpan.FromSeconds(30), () => ably.Faults.ForgetConnection(a.Connection.Id!, dropTransport: true));
        scheduler.Schedule(TimeSpan.FromSeconds(60), () => ably.Network.Outage(TimeSpan.FromSeconds(130), b.Options));
        scheduler.Schedule(TimeSpan.FromSeconds(200), () => ably.Faults.DropAllConnections());
        scheduler.AdvanceTo(TimeSpan.FromMinutes(5).Ticks);
        events.AddRange(ably.GetConnections().Select(c => c.ConnectionId));
        a.DisposeAsync().AsTask().GetAwaiter().GetResult();
        b.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return events;
    }
}
