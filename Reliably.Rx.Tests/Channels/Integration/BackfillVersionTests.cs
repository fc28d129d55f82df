namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// AutoBackfill and changed messages: an update, delete or append keeps the message's serial (TM2s), so de-duplication
/// by serial alone would take each change for the message already delivered. A change is a duplicate only when its
/// version is no newer than the one delivered: live changes arrive, and a change of the last delivered message made
/// while the subscriber's transport was down arrives through the backfill (history shows it at its latest version).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class BackfillVersionTests : RealtimeEmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task TM2s_live_changes_of_delivered_messages_reach_an_AutoBackfill_subscriber(string format)
    {
        var subscriberClient = await ConnectedClient(format);
        var publisherClient = await ConnectedClient(format);
        var name = "mutable:" + UniqueChannel("backfill-live-change");
        var subscriber = subscriberClient.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var (collector, subscription) = await SubscribeAsync(subscriber);
        using var owned = subscription;
        var publisher = publisherClient.Channels.Get(name);

        var serial = (await publisher.PublishAsync("answer", "v1")).Serials[0]!;
        await publisher.UpdateMessageAsync(new Message { Serial = serial, Data = "v2" });
        await publisher.AppendMessageAsync(new Message { Serial = serial, Data = "+" });
        await collector.WaitForCountAsync(3, Wait);

        Assert.That(collector.Messages.Select(m => (m.Action, m.Data)), Is.EqualTo(new (MessageAction?, object?)[]
        {
            (MessageAction.Create, "v1"), (MessageAction.Update, "v2"), (MessageAction.Append, "+"),
        }));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL15b_a_change_of_the_last_delivered_message_made_in_a_gap_arrives_through_the_backfill_once(string format)
    {
        var subscriberClient = await ConnectedClient(format);
        var publisherClient = await ConnectedClient(format);
        var name = "mutable:" + UniqueChannel("backfill-gap-change");
        var subscriber = subscriberClient.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var (collector, subscription) = await SubscribeAsync(subscriber);
        using var owned = subscription;
        var publisher = publisherClient.Channels.Get(name);
        await publisher.PublishAsync("first", "a");
        var serial = (await publisher.PublishAsync("answer", "v1")).Serials[0]!;
        await collector.WaitForCountAsync(2, Wait);

        // The gap: the server stops sending this channel's messages to the subscriber, the last delivered message is
        // edited and another is published, then the server forgets the connection, so the re-attach cannot resume.
        Emulator.Faults.SuppressFrames(Reliably.Rx.Emulator.EmulatorFrameDirection.Outbound, action: 15, channel: name);
        await publisher.UpdateMessageAsync(new Message { Serial = serial, Data = "v2" });
        await publisher.PublishAsync("later", "b");
        Assert.That(Emulator.Faults.ForgetConnection(subscriberClient.Connection.Id!, dropTransport: true), Is.True);
        Emulator.Faults.Reset();
        await publisher.PublishAsync("live", "c");

        await collector.WaitForCountAsync(5, Wait);
        Assert.That(collector.Messages.Select(m => (m.Name, m.Data)), Is.EqualTo(new (string?, object?)[]
        {
            ("first", "a"), ("answer", "v1"), ("answer", "v2"), ("later", "b"), ("live", "c"),
        }), "the edit made in the gap arrives, once, in history's order");
        Assert.That(collector.Messages[2].Version!.Serial, Is.GreaterThan(serial).Using((IComparer<string>)StringComparer.Ordinal));
    }
}
