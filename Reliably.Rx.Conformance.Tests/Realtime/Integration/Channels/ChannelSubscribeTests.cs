using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Channels;

/// <summary>uts/realtime/integration/channels/channel_subscribe_test.md (RTL7, RTL7a, RTL7b): messages between two connections.</summary>
[TestFixture]
[Category("uts/realtime/integration/channels/channel_subscribe_test.md")]
public sealed class ChannelSubscribeTests : EmulatorSandbox
{
    internal const string AwaitedSubscribe =
        "subscribe(listener) is a subscription to Messages(); the spec's awaited subscribe is that subscription's implicit attach (RTL7g), awaited on the channel's state";

    // UTS: realtime/integration/RTL7a/subscribe-all-messages-0
    [Test]
    [Adapted(AwaitedSubscribe)]
    public async Task RTL7a_SubscribeWithNoNameFilterReceivesAllMessages()
    {
        var (pubChannel, subChannel) = await PublisherAndSubscriberAsync("subscribe-all");
        var received = new Collector<Message>();
        using var subscription = await SubscribeAsync(subChannel, subChannel.Messages(), received);
        await pubChannel.AttachAsync().WaitAsync(Wait);

        await pubChannel.PublishAsync("event-a", "data-a").WaitAsync(Wait);
        await pubChannel.PublishAsync("event-b", "data-b").WaitAsync(Wait);
        await pubChannel.PublishAsync("event-c", "data-c").WaitAsync(Wait);
        await received.WaitForAsync(3, TimeSpan.FromSeconds(10) + Wait);

        Assert.That(received.Items, Has.Count.EqualTo(3));
        Assert.That(received.Items.Select(m => m.Name), Is.SupersetOf(new[] { "event-a", "event-b", "event-c" }));
    }

    // UTS: realtime/integration/RTL7b/subscribe-filtered-by-name-0
    [Test]
    [Adapted(AwaitedSubscribe)]
    public async Task RTL7b_SubscribeWithNameFilterReceivesOnlyMatchingMessages()
    {
        var (pubChannel, subChannel) = await PublisherAndSubscriberAsync("subscribe-filtered");
        var targetReceived = new Collector<Message>();
        using var targetSubscription = await SubscribeAsync(subChannel, subChannel.Messages("target"), targetReceived);
        var allReceived = new Collector<Message>();
        using var allSubscription = subChannel.Messages().Subscribe(allReceived);
        await pubChannel.AttachAsync().WaitAsync(Wait);

        await pubChannel.PublishAsync("other", "ignored").WaitAsync(Wait);
        await pubChannel.PublishAsync("target", "wanted-1").WaitAsync(Wait);
        await pubChannel.PublishAsync("other", "ignored").WaitAsync(Wait);
        await pubChannel.PublishAsync("target", "wanted-2").WaitAsync(Wait);
        await allReceived.WaitForAsync(4, TimeSpan.FromSeconds(10) + Wait);

        Assert.That(allReceived.Items, Has.Count.EqualTo(4));
        // Both subscriptions are fed in channel order: "target" wanted-2 came before the 4th message was seen.
        await targetReceived.WaitForAsync(2, Wait);
        var target = targetReceived.Items;
        Assert.That(target, Has.Count.EqualTo(2));
        Assert.That((target[0].Name, target[0].Data), Is.EqualTo(("target", (object)"wanted-1")));
        Assert.That((target[1].Name, target[1].Data), Is.EqualTo(("target", (object)"wanted-2")));
    }

    // UTS: realtime/integration/RTL7/bidirectional-message-flow-0
    [Test]
    [Adapted(AwaitedSubscribe)]
    public async Task RTL7_BidirectionalMessageFlow()
    {
        var channelName = UniqueChannel("subscribe-bidir");
        var clientA = await ConnectedAsync(o => o with { ClientId = "client-a" });
        var clientB = await ConnectedAsync(o => o with { ClientId = "client-b" });
        var channelA = clientA.Channels.Get(channelName);
        var channelB = clientB.Channels.Get(channelName);
        var receivedByA = new Collector<Message>();
        var receivedByB = new Collector<Message>();
        using var subscriptionA = await SubscribeAsync(channelA, channelA.Messages(), receivedByA);
        using var subscriptionB = await SubscribeAsync(channelB, channelB.Messages(), receivedByB);

        await channelA.PublishAsync("from-a", "hello from a").WaitAsync(Wait);
        await channelB.PublishAsync("from-b", "hello from b").WaitAsync(Wait);
        await receivedByA.WaitForAsync(2, TimeSpan.FromSeconds(10) + Wait);
        await receivedByB.WaitForAsync(2, TimeSpan.FromSeconds(10) + Wait);

        Assert.That(receivedByA.Items.Select(m => m.Name), Is.SupersetOf(new[] { "from-a", "from-b" }));
        Assert.That(receivedByB.Items.Select(m => m.Name), Is.SupersetOf(new[] { "from-a", "from-b" }));
    }

    /// <summary><c>AWAIT channel.subscribe(listener)</c>: subscribes, then awaits the implicit attach (RTL7g).</summary>
    internal static async Task<IDisposable> SubscribeAsync<T>(RealtimeChannel channel, IObservable<T> stream, IObserver<T> observer)
    {
        var subscription = stream.Subscribe(observer);
        await AwaitStateAsync(channel, ChannelState.Attached);
        return subscription;
    }

    private async Task<(RealtimeChannel Publisher, RealtimeChannel Subscriber)> PublisherAndSubscriberAsync(string prefix)
    {
        var channelName = UniqueChannel(prefix);
        var publisher = await ConnectedAsync();
        var subscriber = await ConnectedAsync();
        return (publisher.Channels.Get(channelName), subscriber.Channels.Get(channelName));
    }
}
