using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// A subscriber that has been attached and received nothing when its connection cannot be resumed: with AutoBackfill it
/// still loses nothing, because the attachSerial its stream began at (RTL15c) bounds the gap in history (RTL10b).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class UnanchoredBackfillTests : RealtimeEmulatorFixture
{
    /// <summary>Messages published before the subscriber attaches (never delivered to it): none, or some.</summary>
    private static readonly object[] Cases =
    {
        new object[] { "json", 0 }, new object[] { "msgpack", 0 }, new object[] { "json", 20 }, new object[] { "msgpack", 20 },
    };

    [TestCaseSource(nameof(Cases))]
    public async Task RTL15c_RTL10b_a_failed_resume_before_the_first_delivery_loses_nothing_with_AutoBackfill(string format, int before)
    {
        const int gap = 100;
        var name = UniqueChannel("unanchored");
        var publisher = await ConnectedClient(format);
        var outbound = publisher.Channels.Get(name);
        await PublishSequenceAsync(outbound, 0, before);

        var subscriber = await ConnectedClient(format);
        var channel = subscriber.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var discontinuities = new List<ChannelDiscontinuity>();
        var (collector, subscription) = await SubscribeAsync(channel);
        using var owned = subscription;
        using var watch = channel.Discontinuities.Subscribe(d => { lock (discontinuities) { discontinuities.Add(d); } });

        // The channel's MESSAGE frames stop reaching clients (history still has them), then the server forgets the
        // subscriber's connection: its resume fails (RTN15c7) and the channel re-attaches without RESUMED.
        Emulator.Faults.SuppressFrames(EmulatorFrameDirection.Outbound, action: 15, channel: name);
        await PublishSequenceAsync(outbound, before, gap);
        Assert.That(collector.Messages, Is.Empty, "nothing delivered before the gap");
        Assert.That(Emulator.Faults.ForgetConnection(subscriber.Connection.Id!, dropTransport: true), Is.True);
        Emulator.Faults.Reset();
        await PublishSequenceAsync(outbound, before + gap, gap + 1);

        // The last message arrives last: a duplicate or a missing message would show in the indexes.
        await collector.WaitForCountAsync(2 * gap + 1, Wait);
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(before, 2 * gap + 1)), "gapless, duplicate-free, in order, nothing from before the attach");
        lock (discontinuities)
        {
            Assert.That(discontinuities.Select(d => (d.Kind, d.Backfilling)), Is.EqualTo(new[] { (DiscontinuityKind.AttachNotResumed, true) }));
            Assert.That(discontinuities[0].LastDeliveredId, Is.Null);
        }

        Assert.That(channel.BackfilledMessages, Is.GreaterThanOrEqualTo(gap), "history filled the gap");
        Assert.That(subscriber.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
    }
}
