using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.TestSupport;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// ClientOptions.Random is the source of every random choice: with a seed and a TestScheduler, a client makes the same
/// choices at the same virtual times on every run (RTB1 jitter, host order, ids); without one, the choices vary.
/// </summary>
[TestFixture]
public sealed class DeterminismTests
{
    [Test]
    public void RTB1_a_seeded_client_announces_the_same_jittered_retries_on_every_run_and_another_seed_differs()
    {
        var first = RetryTimeline(seed: 42);
        Assert.That(RetryTimeline(seed: 42), Is.EqualTo(first), "same seed, same timeline");
        Assert.That(RetryTimeline(seed: 43), Is.Not.EqualTo(first), "the jitter does come from the seed");

        // RTB1: 15 s x min((n + 2) / 3, 2) x jitter in [0.8, 1].
        var bases = new[] { 15.0, 20.0, 25.0, 30.0, 30.0 };
        for (var i = 0; i < bases.Length; i++)
        {
            Assert.That(first[i].RetryIn.TotalSeconds, Is.InRange(bases[i] * 0.8, bases[i]), $"retry {i + 1}");
        }
    }

    [Test]
    public void RTN17h_RSL1k1_host_order_and_message_id_bases_follow_the_seed()
    {
        Assert.That(Choices(7), Is.EqualTo(Choices(7)));
        Assert.That(Choices(8), Is.Not.EqualTo(Choices(7)));
    }

    /// <summary>A client that never connects: its DISCONNECTED changes over 3 virtual minutes, with their times.</summary>
    private static List<(TimeSpan At, TimeSpan RetryIn)> RetryTimeline(int seed)
    {
        var scheduler = new TestScheduler();
        var transports = new FakeTransportFactory { OnConnect = t => t.Refuse() };
        var client = new AblyRealtime(new ClientOptions
        {
            Key = "app.key:secret",
            Endpoint = "localhost",
            Scheduler = scheduler,
            TransportFactory = transports,
            Random = new Random(seed),
        });
        var observer = scheduler.CreateObserver<ConnectionStateChange>();
        using var subscription = client.Connection.StateChanges.Subscribe(observer);
        scheduler.AdvanceBy(TimeSpan.FromMinutes(3).Ticks);
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return observer.Messages
            .Where(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext && m.Value.Value.Current == ConnectionState.Disconnected)
            .Select(m => (TimeSpan.FromTicks(m.Time), m.Value.Value.RetryIn!.Value))
            .ToList();
    }

    /// <summary>The fallback hosts of two connection attempts and the message ids of two publishes.</summary>
    private static List<string> Choices(int seed)
    {
        var scheduler = new TestScheduler();
        var transports = new FakeTransportFactory();
        var client = new AblyRealtime(new ClientOptions
        {
            Key = "app.key:secret",
            Scheduler = scheduler,
            TransportFactory = transports,
            Random = new Random(seed),
            FallbackHosts = ["a.example", "b.example", "c.example", "d.example"],

            // RTN17j: the connectivity check before the fallbacks answers "yes" without any network.
            HttpMessageHandlerFactory = () => new Http.FakeHttpHandler(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("yes") }),
        });
        scheduler.AdvanceBy(10);
        transports.Last.Connected();
        scheduler.AdvanceBy(10);
        var channel = client.Channels.Get("ids");
        _ = channel.PublishAsync("one", "1");
        _ = channel.PublishAsync("two", "2");
        scheduler.AdvanceBy(10);
        var ids = transports.Last.SentOf(ProtocolAction.Message).SelectMany(m => m.Messages!).Select(m => m.Id!).ToList();
        Assert.That(ids, Has.Count.EqualTo(2));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(2));

        // Each connection cycle shuffles the fallbacks (RTN17h): drive two cycles through every host.
        var hosts = new List<string>();
        foreach (var cycle in new[] { 0, 1 })
        {
            transports.Last.Drop();
            scheduler.AdvanceBy(10);
            for (var i = 0; i < 5 && client.Connection.State == ConnectionState.Connecting; i++)
            {
                hosts.Add(transports.Last.Uri.Host + "#" + cycle);
                transports.Last.Refuse();
                scheduler.AdvanceBy(10);
            }

            scheduler.AdvanceBy(TimeSpan.FromSeconds(30).Ticks);
            transports.Last.Connected();
            scheduler.AdvanceBy(10);
        }

        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Assert.That(hosts, Has.Count.EqualTo(10), "each cycle: the primary, then the four fallbacks");
        return ids.Concat(hosts).ToList();
    }
}
