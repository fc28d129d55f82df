using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Emulator;
using Reliably.Rx.Tests.Channels.Integration;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// A publisher's failed resume with publishes in flight (RTN15c7, RTN19a2): what order subscribers see, and how the chaos
/// run tells a publish re-sent on the new connection from one accepted at its first transmission.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class FailedResumeOrderTests : RealtimeEmulatorFixture
{
    /// <summary>
    /// The 1-hour soak's order failure (seed 1893552848): the server NACKed a batch, and the NACK was lost with the
    /// connection (held by a latency spike, then a silent transport, then the connection forgotten). The batches after it
    /// were published. On the failed resume the library re-sends everything unacknowledged, renumbered from msgSerial 0
    /// (RTN19a2): the server recognises the published ones by their ids (RSL1k) and accepts the NACKed one, after them.
    /// The re-sent publish's ACK can complete its task before a state-change observer hears of the failed resume, so the
    /// run must recognise the re-send by the connection id, which the loop sets before it re-sends anything.
    /// </summary>
    [Test]
    public async Task RTN15c7_RTN19a2_a_publish_whose_NACK_was_lost_with_the_connection_is_accepted_after_later_ones_and_counted_as_resent()
    {
        var name = UniqueChannel("order");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient("json")).Channels.Get(name));
        using var _ = subscription;
        var deliveries = new GatedScheduler();
        var publisher = await ConnectedClient("msgpack", o => o with { DeliveryScheduler = deliveries });
        var outbound = publisher.Channels.Get(name);
        var id = publisher.Connection.Id!;
        var run = new ChaosRun(Emulator, new SkewedClock(), seed: 1, messages: 500, name);
        using var watch = run.WatchPublisher(publisher);

        // Everything the server sends the publisher is held: the NACK of the first batch and the ACKs of the nine after it.
        Assert.That(Emulator.Faults.DelayFrames(id, TimeSpan.FromSeconds(60)), Is.True);
        Emulator.Faults.NackNextPublishes(1, new EmulatorError(ChaosRun.NackCode, 500, "chaos nack"), id);
        var publishing = run.PublishAllAsync(outbound, batch: 50, inFlight: 32, spread: TimeSpan.Zero, timeout: Wait);
        await collector.WaitForCountAsync(450, Wait);

        // The publisher's state changes are held from here on: its observers hear of the failed resume only at the end.
        deliveries.Close();
        Assert.That(Emulator.Faults.SetSilent(id, true), Is.True);
        Assert.That(Emulator.Faults.ForgetConnection(id, dropTransport: true), Is.True);
        await publishing.WaitAsync(Wait);
        await collector.WaitForCountAsync(500, Wait);
        var heldChanges = deliveries.Held;
        deliveries.Open();

        var seen = collector.Messages.Select(m => int.Parse(m.Name!, CultureInfo.InvariantCulture)).ToList();
        Assert.That(publisher.Connection.Id, Is.Not.EqualTo(id), "the resume failed: a new connection");
        Assert.That(heldChanges, Is.GreaterThan(0), "the failed resume's state changes were held until the publishes completed");
        Assert.That(run.NackedBatches, Is.Zero, "the NACK never reached the publisher");
        Assert.That(seen, Is.EqualTo(Enumerable.Range(50, 450).Concat(Enumerable.Range(0, 50))), "each once; the NACKed batch after the later ones");
        Assert.That(run.ResentAfterFailedResume.Keys.Order(), Is.EqualTo(Enumerable.Range(0, 500)),
            "every batch in flight across the failed resume is known to have been re-sent on the new connection");
    }

    /// <summary>
    /// Publishes the client wrote after the server had ended its transport (DISCONNECTED held by a latency spike, so the
    /// client kept publishing) are not handled by the server; after the failed resume they are re-sent with the
    /// published ones before them, in msgSerial order (RTN19a2), so subscribers see the application's order.
    /// </summary>
    [Test]
    public async Task RTN19a2_publishes_the_server_ignored_on_an_ended_transport_are_resent_in_order_after_a_failed_resume()
    {
        var name = UniqueChannel("order");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient("json")).Channels.Get(name));
        using var _ = subscription;
        var publisher = await ConnectedClient("msgpack");
        var outbound = publisher.Channels.Get(name);
        var id = publisher.Connection.Id!;
        var failedResume = publisher.Connection.StateChanges
            .FirstAsync(c => c.Current == ConnectionState.Connected && c.Reason?.Code == ErrorCodes.UnableToRecoverConnection)
            .ToTask();

        Assert.That(Emulator.Faults.DelayFrames(id, TimeSpan.FromSeconds(60)), Is.True);
        var publishes = Enumerable.Range(0, 10).Select(b => outbound.PublishAsync(Batch(b))).ToList();
        await collector.WaitForCountAsync(500, Wait);
        Assert.That(Emulator.Faults.Disconnect(id), Is.True);
        publishes.AddRange(Enumerable.Range(10, 10).Select(b => outbound.PublishAsync(Batch(b))));
        Assert.That(Emulator.Faults.SetSilent(id, true), Is.True);
        Assert.That(Emulator.Faults.ForgetConnection(id, dropTransport: true), Is.True);
        await failedResume.WaitAsync(Wait);
        publishes.AddRange(Enumerable.Range(20, 10).Select(b => outbound.PublishAsync(Batch(b))));

        await Task.WhenAll(publishes).WaitAsync(Wait);
        await collector.WaitForCountAsync(1500, Wait);
        Assert.That(collector.Messages.Select(m => int.Parse(m.Name!, CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 1500)));
    }

    private static List<Message> Batch(int b) =>
        Enumerable.Range(b * 50, 50).Select(i => new Message(i.ToString(CultureInfo.InvariantCulture), "p" + i) { Id = "order-" + i.ToString(CultureInfo.InvariantCulture) }).ToList();
}
