using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/message_field_population.md (TM2a, TM2c, TM2f): fields a received message takes from its ProtocolMessage.</summary>
/// <remarks><c>channel.subscribe(listener)</c> is <c>channel.Messages().Subscribe(...)</c>; timestamps are <see cref="DateTimeOffset"/>s of the spec's milliseconds.</remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/message_field_population.md")]
public sealed class MessageFieldPopulationTests
{
    private static readonly DateTimeOffset T1700 = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000);

    /// <summary>Connects, subscribes (<c>channel.subscribe</c> before connecting), attaches, sends <paramref name="message"/> and awaits <paramref name="count"/> messages.</summary>
    private static async Task<List<Message>> Receive(string channelName, JObject message, int count)
    {
        var (scheduler, server) = ChannelMocks.AcceptingServer(ChannelMocks.AttachAndDetach);
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get(channelName);
        var received = new List<Message>();
        using var subscription = channel.Messages().Subscribe(received.Add, _ => { });

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        message["action"] = (int)ProtocolAction.Message;
        message["channel"] = channelName;
        server.SendToClient(ChannelMocks.Frame(message));
        Assert.That(scheduler.AdvanceUntil(() => received.Count >= count, Uts.DefaultLimit), Is.True, $"{count} messages received");
        return received;
    }

    private static JObject Msg(string name, string data) => new() { ["name"] = name, ["data"] = data };

    // UTS: realtime/unit/TM2a/id-from-protocol-message-0
    [Test]
    public async Task TM2a_MessageIdPopulatedFromProtocolMessageIdAndIndex()
    {
        var received = await Receive("test-TM2a-id", new JObject
        {
            ["id"] = "abc123:5",
            ["connectionId"] = "abc123",
            ["timestamp"] = 1700000000000,
            ["messages"] = new JArray(Msg("first", "a"), Msg("second", "b"), Msg("third", "c")),
        }, 3);

        Assert.That(received[0].Id, Is.EqualTo("abc123:5:0"));
        Assert.That(received[1].Id, Is.EqualTo("abc123:5:1"));
        Assert.That(received[2].Id, Is.EqualTo("abc123:5:2"));
    }

    // UTS: realtime/unit/TM2a/existing-id-not-overwritten-1
    [Test]
    public async Task TM2a_MessageWithExistingIdIsNotOverwritten()
    {
        var msg = Msg("msg", "hello");
        msg["id"] = "my-custom-id";
        var received = await Receive("test-TM2a-existing", new JObject { ["id"] = "proto-id:0", ["messages"] = new JArray(msg) }, 1);

        Assert.That(received[0].Id, Is.EqualTo("my-custom-id"));
    }

    // UTS: realtime/unit/TM2a/no-id-without-protocol-id-2
    [Test]
    public async Task TM2a_NoIdWhenProtocolMessageHasNoId()
    {
        var received = await Receive("test-TM2a-no-proto-id", new JObject { ["connectionId"] = "abc123", ["messages"] = new JArray(Msg("msg", "hello")) }, 1);

        Assert.That(received[0].Id, Is.Null);
    }

    // UTS: realtime/unit/TM2c/connectionid-from-protocol-0
    [Test]
    public async Task TM2c_MessageConnectionIdPopulatedFromProtocolMessage()
    {
        var received = await Receive("test-TM2c-connId", new JObject { ["id"] = "msg:0", ["connectionId"] = "server-conn-xyz", ["messages"] = new JArray(Msg("msg", "hello")) }, 1);

        Assert.That(received[0].ConnectionId, Is.EqualTo("server-conn-xyz"));
    }

    // UTS: realtime/unit/TM2c/existing-connectionid-kept-1
    [Test]
    public async Task TM2c_MessageWithExistingConnectionIdIsNotOverwritten()
    {
        var msg = Msg("msg", "hello");
        msg["connectionId"] = "msg-conn";
        var received = await Receive("test-TM2c-existing", new JObject { ["id"] = "msg:0", ["connectionId"] = "proto-conn", ["messages"] = new JArray(msg) }, 1);

        Assert.That(received[0].ConnectionId, Is.EqualTo("msg-conn"));
    }

    // UTS: realtime/unit/TM2f/timestamp-from-protocol-0
    [Test]
    public async Task TM2f_MessageTimestampPopulatedFromProtocolMessage()
    {
        var received = await Receive("test-TM2f-timestamp", new JObject { ["id"] = "msg:0", ["timestamp"] = 1700000000000, ["messages"] = new JArray(Msg("msg", "hello")) }, 1);

        Assert.That(received[0].Timestamp, Is.EqualTo(T1700));
    }

    // UTS: realtime/unit/TM2f/existing-timestamp-kept-1
    [Test]
    public async Task TM2f_MessageWithExistingTimestampIsNotOverwritten()
    {
        var msg = Msg("msg", "hello");
        msg["timestamp"] = 1600000000000;
        var received = await Receive("test-TM2f-existing", new JObject { ["id"] = "msg:0", ["timestamp"] = 1700000000000, ["messages"] = new JArray(msg) }, 1);

        Assert.That(received[0].Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1600000000000)));
    }

    // UTS: realtime/unit/TM2a/all-fields-populated-together-3
    [Test]
    public async Task TM2a_TM2c_TM2f_AllFieldsPopulatedTogether()
    {
        var received = await Receive("test-TM2-all-fields", new JObject
        {
            ["id"] = "connId:7",
            ["connectionId"] = "connId",
            ["timestamp"] = 1700000000000,
            ["messages"] = new JArray(Msg("first", "a"), Msg("second", "b")),
        }, 2);

        Assert.That(received[0].Id, Is.EqualTo("connId:7:0"));
        Assert.That(received[0].ConnectionId, Is.EqualTo("connId"));
        Assert.That(received[0].Timestamp, Is.EqualTo(T1700));
        Assert.That(received[0].Name, Is.EqualTo("first"));
        Assert.That(received[0].Data, Is.EqualTo("a"));
        Assert.That(received[1].Id, Is.EqualTo("connId:7:1"));
        Assert.That(received[1].ConnectionId, Is.EqualTo("connId"));
        Assert.That(received[1].Timestamp, Is.EqualTo(T1700));
        Assert.That(received[1].Name, Is.EqualTo("second"));
        Assert.That(received[1].Data, Is.EqualTo("b"));
    }
}
