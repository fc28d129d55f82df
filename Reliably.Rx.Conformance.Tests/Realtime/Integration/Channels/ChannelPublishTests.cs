using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Channels;

/// <summary>
/// uts/realtime/integration/channels/channel_publish_test.md (RTL6, RTL6f, RSL4, RSL6, RSL6a2): payloads and metadata
/// between two connections, once per protocol (json, msgpack).
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/channels/channel_publish_test.md")]
public sealed class ChannelPublishTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTL6/string-data-roundtrip-0
    [Test]
    [Adapted(ChannelSubscribeTests.AwaitedSubscribe)]
    public async Task RTL6_RSL4d2_StringDataRoundTrip([Values("json", "msgpack")] string protocol)
    {
        var (_, _, received) = await PublishOneAsync(protocol, "publish-string", new Message("string-event", "hello world"));

        Assert.That(received.Items, Has.Count.EqualTo(1));
        Assert.That(received.Items[0].Name, Is.EqualTo("string-event"));
        Assert.That(received.Items[0].Data, Is.EqualTo("hello world").And.InstanceOf<string>());
    }

    // UTS: realtime/integration/RTL6/json-data-roundtrip-1
    [Test]
    [Adapted(ChannelSubscribeTests.AwaitedSubscribe)]
    public async Task RTL6_RSL4d3_JsonObjectDataRoundTrip([Values("json", "msgpack")] string protocol)
    {
        var jsonData = JObject.Parse("""{"key": "value", "nested": {"count": 42}, "list": [1, 2, 3]}""");

        var (_, _, received) = await PublishOneAsync(protocol, "publish-json", new Message("json-event", jsonData));

        Assert.That(received.Items, Has.Count.EqualTo(1));
        Assert.That(received.Items[0].Name, Is.EqualTo("json-event"));
        var data = received.Items[0].DataAs<JObject>()!;
        Assert.That(data.Value<string>("key"), Is.EqualTo("value"));
        Assert.That(data["nested"]!.Value<int>("count"), Is.EqualTo(42));
        Assert.That(data["list"]!.Values<int>(), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    // UTS: realtime/integration/RTL6/binary-data-roundtrip-2
    [Test]
    [Adapted(ChannelSubscribeTests.AwaitedSubscribe)]
    public async Task RTL6_RSL4d1_RSL6a_BinaryDataRoundTrip([Values("json", "msgpack")] string protocol)
    {
        var binaryData = new byte[] { 0, 1, 2, 255, 128, 64 };

        var (_, _, received) = await PublishOneAsync(protocol, "publish-binary", new Message("binary-event", binaryData));

        Assert.That(received.Items, Has.Count.EqualTo(1));
        Assert.That(received.Items[0].Name, Is.EqualTo("binary-event"));
        Assert.That(received.Items[0].Data, Is.InstanceOf<byte[]>());
        Assert.That(received.Items[0].Data, Is.EqualTo(binaryData));
    }

    // UTS: realtime/integration/RTL6f/connectionid-matches-publisher-0
    [Test]
    [Adapted(ChannelSubscribeTests.AwaitedSubscribe)]
    public async Task RTL6f_ConnectionIdMatchesPublisher([Values("json", "msgpack")] string protocol)
    {
        var (publisher, subscriber, received) = await PublishOneAsync(protocol, "publish-connid", new Message("connid-test", "data"));

        Assert.That(received.Items[0].ConnectionId, Is.EqualTo(publisher.Connection.Id));
        Assert.That(received.Items[0].ConnectionId, Is.Not.EqualTo(subscriber.Connection.Id));
    }

    // UTS: realtime/integration/RSL6a2/message-extras-roundtrip-0
    [Test]
    [Adapted(ChannelSubscribeTests.AwaitedSubscribe)]
    public async Task RSL6a2_MessageExtrasRoundTrip([Values("json", "msgpack")] string protocol)
    {
        var extras = JObject.Parse("""{"push": {"notification": {"title": "Testing"}}}""");

        var (_, _, received) = await PublishOneAsync(protocol, "pushenabled:publish-extras", new Message("extras-test", "payload") { Extras = extras });

        Assert.That(received.Items[0].Extras, Is.Not.Null);
        Assert.That(received.Items[0].Extras!["push"]!["notification"]!.Value<string>("title"), Is.EqualTo("Testing"));
    }

    /// <summary>The cases' common steps: two clients, subscribe, attach the publisher, publish one message, await it.</summary>
    private async Task<(AblyRealtime Publisher, AblyRealtime Subscriber, Collector<Message> Received)> PublishOneAsync(string protocol, string prefix, Message message)
    {
        var binary = protocol == "msgpack";
        var channelName = UniqueChannel(prefix);
        var publisher = await ConnectedAsync(binary: binary);
        var subscriber = await ConnectedAsync(binary: binary);
        var pubChannel = publisher.Channels.Get(channelName);
        var subChannel = subscriber.Channels.Get(channelName);
        var received = new Collector<Message>();
        await ChannelSubscribeTests.SubscribeAsync(subChannel, subChannel.Messages(), received);
        await pubChannel.AttachAsync().WaitAsync(Wait);

        await pubChannel.PublishAsync(message).WaitAsync(Wait);
        await received.WaitForAsync(1, TimeSpan.FromSeconds(10) + Wait);
        return (publisher, subscriber, received);
    }
}
