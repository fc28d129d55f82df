using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration;

/// <summary>
/// uts/realtime/integration/mutable_messages_test.md (RTL28, RTL31, RTL32, RTAN1, RTAN2, RTAN4), once per protocol
/// (json, msgpack); channels are in the <c>mutable:</c> namespace (mutableMessages on in test-app-setup.json).
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/mutable_messages_test.md")]
public sealed class MutableMessagesTests : EmulatorSandbox
{
    /// <summary>Two connected clients on one <c>mutable:</c> channel; the second's messages are collected.</summary>
    private async Task<(RealtimeChannel A, Collector<Message> Received, IDisposable Subscription)> PairAsync(string protocol, string prefix)
    {
        var binary = protocol == "msgpack";
        var name = "mutable:" + UniqueChannel(prefix);
        var clientA = await ConnectedAsync(binary: binary);
        var clientB = await ConnectedAsync(binary: binary);
        var channelB = clientB.Channels.Get(name);
        var received = new Collector<Message>();
        var subscription = channelB.Messages().Subscribe(received);
        await channelB.AttachAsync().WaitAsync(Wait);
        var channelA = clientA.Channels.Get(name);
        await channelA.AttachAsync().WaitAsync(Wait);
        return (channelA, received, subscription);
    }

    // UTS: realtime/integration/RTL32/update-message-observed-0
    [Test]
    public async Task RTL32_UpdateAMessageViaRealtimeAndObserveOnSubscriber([Values("json", "msgpack")] string protocol)
    {
        var (channelA, received, subscription) = await PairAsync(protocol, "test-RTL32-update");
        using var _ = subscription;
        await channelA.PublishAsync("original", "v1").WaitAsync(Wait);
        await received.WaitForAsync(1, Wait);
        var serial = received.Items[0].Serial;

        var result = await channelA.UpdateMessageAsync(new Message("updated", "v2") { Serial = serial }, new MessageOperation { Description = "edited" }).WaitAsync(Wait);
        await received.WaitForAsync(2, Wait);

        Assert.That(result.VersionSerial, Is.Not.Null.And.Not.Empty);
        Assert.That((received.Items[0].Action, received.Items[0].Name, received.Items[0].Data), Is.EqualTo(((MessageAction?)MessageAction.Create, "original", (object)"v1")));
        Assert.That(serial, Is.Not.Null.And.Not.Empty);
        Assert.That((received.Items[1].Action, received.Items[1].Name, received.Items[1].Data), Is.EqualTo(((MessageAction?)MessageAction.Update, "updated", (object)"v2")));
        Assert.That(received.Items[1].Serial, Is.EqualTo(serial));
        Assert.That(received.Items[1].Version!.Serial, Is.EqualTo(result.VersionSerial));
        Assert.That(received.Items[1].Version!.Description, Is.EqualTo("edited"));
    }

    // UTS: realtime/integration/RTL32/delete-message-observed-1
    [Test]
    public async Task RTL32_DeleteAMessageViaRealtimeAndObserveOnSubscriber([Values("json", "msgpack")] string protocol)
    {
        var (channelA, received, subscription) = await PairAsync(protocol, "test-RTL32-delete");
        using var _ = subscription;
        await channelA.PublishAsync("to-delete", "ephemeral").WaitAsync(Wait);
        await received.WaitForAsync(1, Wait);
        var serial = received.Items[0].Serial;

        var result = await channelA.DeleteMessageAsync(new Message { Serial = serial }).WaitAsync(Wait);
        await received.WaitForAsync(2, Wait);

        Assert.That(result.VersionSerial, Is.Not.Null.And.Not.Empty);
        Assert.That(received.Items[1].Action, Is.EqualTo(MessageAction.Delete));
        Assert.That(received.Items[1].Serial, Is.EqualTo(serial));
    }

    // UTS: realtime/integration/RTL32/append-message-observed-2
    [Test]
    public async Task RTL32_AppendToAMessageViaRealtimeAndObserveOnSubscriber([Values("json", "msgpack")] string protocol)
    {
        var (channelA, received, subscription) = await PairAsync(protocol, "test-RTL32-append");
        using var _ = subscription;
        await channelA.PublishAsync("appendable", "original").WaitAsync(Wait);
        await received.WaitForAsync(1, Wait);
        var serial = received.Items[0].Serial;

        var result = await channelA.AppendMessageAsync(new Message { Serial = serial, Data = "appended-data" }, new MessageOperation { Description = "thread reply" }).WaitAsync(Wait);
        await received.WaitForAsync(2, Wait);

        Assert.That(result.VersionSerial, Is.Not.Null.And.Not.Empty);
        Assert.That(received.Items[1].Action, Is.EqualTo(MessageAction.Append));
        Assert.That(received.Items[1].Data, Is.EqualTo("appended-data"));
        Assert.That(received.Items[1].Serial, Is.EqualTo(serial));
    }

    // UTS: realtime/integration/RTL32/full-mutation-lifecycle-3
    [Test]
    public async Task RTL32_FullMutationLifecycleObservedInSequence([Values("json", "msgpack")] string protocol)
    {
        var (channelA, received, subscription) = await PairAsync(protocol, "test-RTL32-lifecycle");
        using var _ = subscription;
        await channelA.PublishAsync("lifecycle", "v1").WaitAsync(Wait);
        await received.WaitForAsync(1, Wait);
        var serial = received.Items[0].Serial;

        await channelA.UpdateMessageAsync(new Message("lifecycle", "v2") { Serial = serial }, new MessageOperation { Description = "edit 1" }).WaitAsync(Wait);
        await channelA.AppendMessageAsync(new Message { Serial = serial, Data = "reply-data" }, new MessageOperation { Description = "thread reply" }).WaitAsync(Wait);
        await channelA.DeleteMessageAsync(new Message { Serial = serial }).WaitAsync(Wait);
        await received.WaitForAsync(4, Wait);

        Assert.That(received.Items, Has.Count.EqualTo(4));
        Assert.That(received.Items.Select(m => m.Action), Is.EqualTo(new MessageAction?[] { MessageAction.Create, MessageAction.Update, MessageAction.Append, MessageAction.Delete }));
        Assert.That((received.Items[1].Name, received.Items[1].Data), Is.EqualTo(("lifecycle", (object)"v2")));
        Assert.That(received.Items[2].Data, Is.EqualTo("reply-data"));
        Assert.That(received.Items.Select(m => m.Serial), Is.All.EqualTo(serial));
    }

    // UTS: realtime/integration/RTL28/get-message-and-versions-0
    [Test]
    public async Task RTL28_RTL31_GetMessageAndGetMessageVersionsFromRealtimeChannel([Values("json", "msgpack")] string protocol)
    {
        var client = await ConnectedAsync(binary: protocol == "msgpack");
        var channel = client.Channels.Get("mutable:" + UniqueChannel("test-RTL28-versions"));
        await channel.AttachAsync().WaitAsync(Wait);
        var serial = (await channel.PublishAsync("versioned", "v1").WaitAsync(Wait)).Serials[0]!;
        await channel.UpdateMessageAsync(new Message { Serial = serial, Data = "v2" }).WaitAsync(Wait);
        await channel.UpdateMessageAsync(new Message { Serial = serial, Data = "v3" }).WaitAsync(Wait);

        var message = await channel.GetMessageAsync(serial).WaitAsync(Wait);
        var versions = await channel.GetMessageVersionsAsync(serial).WaitAsync(Wait);

        Assert.That((message.Serial, message.Data, message.Action), Is.EqualTo((serial, (object)"v3", (MessageAction?)MessageAction.Update)));
        Assert.That(versions.Items, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(versions.Items.Select(v => v.Serial), Is.All.EqualTo(serial));
    }

    /// <summary>A channel attached with the annotation modes, on a connected client.</summary>
    private async Task<RealtimeChannel> AnnotatingAsync(string protocol, string name, ChannelModes modes)
    {
        var client = await ConnectedAsync(binary: protocol == "msgpack");
        var channel = client.Channels.Get(name, new ChannelOptions { Modes = modes });
        await channel.AttachAsync().WaitAsync(Wait);
        return channel;
    }

    // UTS: realtime/integration/RTAN1/annotation-publish-delete-0
    [Test]
    public async Task RTAN1_RTAN2_RTAN4_AnnotationPublishSubscribeAndDeleteViaRealtime([Values("json", "msgpack")] string protocol)
    {
        var name = "mutable:" + UniqueChannel("test-RTAN1-annotations");
        var channelA = await AnnotatingAsync(protocol, name, ChannelModes.Publish | ChannelModes.Subscribe | ChannelModes.AnnotationPublish | ChannelModes.AnnotationSubscribe);
        var channelB = await AnnotatingAsync(protocol, name, ChannelModes.Subscribe | ChannelModes.AnnotationSubscribe);
        var annotations = new Collector<Annotation>();
        using var subscription = channelB.Annotations.Events.Subscribe(annotations);
        var serial = (await channelA.PublishAsync("annotatable", "content").WaitAsync(Wait)).Serials[0]!;

        await channelA.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" }).WaitAsync(Wait);
        await channelA.Annotations.DeleteAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" }).WaitAsync(Wait);
        await annotations.WaitForAsync(2, Wait);

        Assert.That(annotations.Items.Select(a => a.Action), Is.EqualTo(new[] { AnnotationAction.Create, AnnotationAction.Delete }));
        Assert.That(annotations.Items.Select(a => (a.Type, a.Name, a.MessageSerial)), Is.All.EqualTo(("com.ably.reactions", "like", serial)));
    }

    // UTS: realtime/integration/RTAN4c/annotation-type-filtering-0
    [Test]
    public async Task RTAN4c_AnnotationSubscribeWithTypeFiltering([Values("json", "msgpack")] string protocol)
    {
        var name = "mutable:" + UniqueChannel("test-RTAN4c-filter");
        var channelA = await AnnotatingAsync(protocol, name, ChannelModes.Publish | ChannelModes.AnnotationPublish);
        var channelB = await AnnotatingAsync(protocol, name, ChannelModes.Subscribe | ChannelModes.AnnotationSubscribe);
        var all = new Collector<Annotation>();
        var filtered = new Collector<Annotation>();
        using var allSubscription = channelB.Annotations.Events.Subscribe(all);
        using var filteredSubscription = channelB.Annotations.EventsOf("com.ably.reactions").Subscribe(filtered);
        var serial = (await channelA.PublishAsync("multi-type", "content").WaitAsync(Wait)).Serials[0]!;

        await channelA.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" }).WaitAsync(Wait);
        await channelA.Annotations.PublishAsync(serial, new Annotation { Type = "com.example.comments", Name = "comment" }).WaitAsync(Wait);
        await channelA.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "heart" }).WaitAsync(Wait);
        await all.WaitForAsync(3, Wait);
        await filtered.WaitForAsync(2, Wait);

        Assert.That(all.Items, Has.Count.EqualTo(3));
        Assert.That(filtered.Items.Select(a => (a.Type, a.Name)), Is.EqualTo(new[] { ("com.ably.reactions", "like"), ("com.ably.reactions", "heart") }));
    }

    // UTS: realtime/integration/RTAN4d/annotation-implicit-attach-0
    [Test]
    public async Task RTAN4d_AnnotationSubscribeImplicitlyAttachesChannel([Values("json", "msgpack")] string protocol)
    {
        var client = await ConnectedAsync(binary: protocol == "msgpack");
        var channel = client.Channels.Get("mutable:" + UniqueChannel("test-RTAN4d-attach"), new ChannelOptions { Modes = ChannelModes.AnnotationSubscribe });
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));
        using var subscription = channel.Annotations.Events.Subscribe(_ => { });
        await AwaitStateAsync(channel, ChannelState.Attached);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
    }
}
