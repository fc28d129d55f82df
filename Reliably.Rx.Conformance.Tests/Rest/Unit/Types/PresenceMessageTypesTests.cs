using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>uts/rest/unit/types/presence_message_types.md (TP2, TP3, TP4, TP5): the <c>PresenceMessage</c> type.</summary>
/// <remarks>
/// The spec's JSON writes actions as names ("enter"); on Ably's wire a presence action is its TP2 number (enter is 2),
/// which is what these cases serve and expect.
/// </remarks>
[TestFixture]
[Category("uts/rest/unit/types/presence_message_types.md")]
public sealed class PresenceMessageTypesTests
{
    private const string WireJson = "PresenceMessage has no public fromJson/toJson: the JSON is a REST presence page the client decodes (or the body the client sends), where an action is its TP2 number, not its name.";

    private static PaginatedResult<PresenceMessage> FromEncoded(string page)
    {
        var mock = new MockHttp(req => req.RespondWith(200, page));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        return mock.Await(client.Channels.Get("test-TP").Presence.GetAsync());
    }

    /// <summary>A realtime server that connects, attaches every channel asked for, and acknowledges presence.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server) Server()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("conn-id-1", "conn-key-1"));
        server.OnFrameFromClient = (c, f) =>
        {
            if (f.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(f.Channel!));
            }
            else if (f.Action == ProtocolAction.Presence)
            {
                c.Send(ProtocolFrame.Ack(f.MsgSerial!.Value));
            }
        };
        return (scheduler, server);
    }

    /// <summary>The presence messages a realtime client delivers for a PRESENCE ProtocolMessage <paramref name="frame"/>.</summary>
    private static async Task<IReadOnlyList<PresenceMessage>> Delivered(string frame, int count)
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime();
        var channel = client.Channels.Get("test-TP3");
        var received = new List<PresenceMessage>();
        using var subscription = channel.Presence.Events.Subscribe(received.Add);
        scheduler.Await(channel.AttachAsync());

        server.Connections[^1].Send(ProtocolFrame.Parse(frame));

        Assert.That(scheduler.AdvanceUntil(() => received.Count >= count, Uts.DefaultLimit), Is.True, "presence delivered");
        return received;
    }

    // UTS: rest/unit/TP2/presence-action-enum-values-0
    [Test]
    public void TP2_PresenceActionEnumValues()
    {
        Assert.That((int)PresenceAction.Absent, Is.EqualTo(0));
        Assert.That((int)PresenceAction.Present, Is.EqualTo(1));
        Assert.That((int)PresenceAction.Enter, Is.EqualTo(2));
        Assert.That((int)PresenceAction.Leave, Is.EqualTo(3));
        Assert.That((int)PresenceAction.Update, Is.EqualTo(4));
    }

    // UTS: rest/unit/TP3a/presence-message-attributes-0
    [Test]
    public void TP3a_TP3b_TP3c_TP3d_TP3e_TP3f_TP3g_TP3i_PresenceMessageAttributes()
    {
        Assert.That(new PresenceMessage { Id = "presence-123" }.Id, Is.EqualTo("presence-123"));
        Assert.That(new PresenceMessage { Action = PresenceAction.Enter }.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(new PresenceMessage { ClientId = "user-1" }.ClientId, Is.EqualTo("user-1"));
        Assert.That(new PresenceMessage { ConnectionId = "conn-1" }.ConnectionId, Is.EqualTo("conn-1"));
        Assert.That(new PresenceMessage { Data = "hello" }.Data, Is.EqualTo("hello"));
        Assert.That(JToken.DeepEquals((JToken?)new PresenceMessage { Data = new JObject { ["status"] = "online" } }.Data, new JObject { ["status"] = "online" }), Is.True);
        Assert.That(new PresenceMessage { Encoding = "json" }.Encoding, Is.EqualTo("json"));
        Assert.That(new PresenceMessage { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1234567890000) }.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
        var extras = new PresenceMessage { Extras = JObject.Parse("""{"headers":{"x-custom":"value"}}""") }.Extras;
        Assert.That((string?)extras!["headers"]!["x-custom"], Is.EqualTo("value"));
    }

    // UTS: rest/unit/TP3h/member-key-combines-ids-0
    [Test]
    public void TP3h_MemberKeyCombinesConnectionIdAndClientId()
    {
        var msg = new PresenceMessage { ConnectionId = "conn-1", ClientId = "user-1" };
        var msg2 = new PresenceMessage { ConnectionId = "conn-2", ClientId = "user-1" };

        Assert.That(msg.MemberKey, Is.EqualTo("conn-1:user-1"));
        Assert.That(msg2.MemberKey, Is.EqualTo("conn-2:user-1"));
        Assert.That(msg.MemberKey, Is.Not.EqualTo(msg2.MemberKey));
    }

    // UTS: rest/unit/TP3d/connectionid-from-protocol-message-0
    [Test]
    [Adapted("The ProtocolMessage is processed where the client processes it: a PRESENCE frame received on an attached realtime channel, and the presence event delivered for it.")]
    public async Task TP3d_ConnectionIdDefaultsFromTheProtocolMessage()
    {
        var delivered = await Delivered("""{"action":14,"channel":"test-TP3","connectionId":"proto-conn-1","presence":[{"action":2,"clientId":"user-1"}]}""", 1);

        Assert.That(delivered[0].ConnectionId, Is.EqualTo("proto-conn-1"));
    }

    // UTS: rest/unit/TP3a/id-from-protocol-message-1
    [Test]
    [Adapted("The ProtocolMessage is processed where the client processes it: a PRESENCE frame received on an attached realtime channel, and the presence events delivered for it.")]
    public async Task TP3a_IdDefaultsFromTheProtocolMessage()
    {
        var delivered = await Delivered("""
            {"action":14,"channel":"test-TP3","id":"proto-msg-42","connectionId":"c1",
             "presence":[{"action":2,"clientId":"alice"},{"action":2,"clientId":"bob"}]}
            """, 2);

        Assert.That(delivered[0].Id, Is.EqualTo("proto-msg-42:0"));
        Assert.That(delivered[1].Id, Is.EqualTo("proto-msg-42:1"));
    }

    // UTS: rest/unit/TP3g/timestamp-from-protocol-message-0
    [Test]
    [Adapted("The ProtocolMessage is processed where the client processes it: a PRESENCE frame received on an attached realtime channel, and the presence event delivered for it.")]
    public async Task TP3g_TimestampDefaultsFromTheProtocolMessage()
    {
        var delivered = await Delivered("""{"action":14,"channel":"test-TP3","connectionId":"c1","timestamp":9999999,"presence":[{"action":2,"clientId":"user-1"}]}""", 1);

        Assert.That(delivered[0].Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(9999999));
    }

    // UTS: rest/unit/TP3/presence-from-json-0
    [Test]
    [Adapted(WireJson)]
    public void TP3_PresenceMessageFromJson()
    {
        var msg = FromEncoded("""
            [{"id":"pm-123","action":2,"clientId":"user-1","connectionId":"conn-1","data":"hello","encoding":null,
              "timestamp":1234567890000,"extras":{"headers":{"x-key":"x-value"}}}]
            """).Items[0];

        Assert.That(msg.Id, Is.EqualTo("pm-123"));
        Assert.That(msg.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(msg.ClientId, Is.EqualTo("user-1"));
        Assert.That(msg.ConnectionId, Is.EqualTo("conn-1"));
        Assert.That(msg.Data, Is.EqualTo("hello"));
        Assert.That(msg.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
        Assert.That((string?)msg.Extras!["headers"]!["x-key"], Is.EqualTo("x-value"));
    }

    // UTS: rest/unit/TP3/presence-encoded-data-from-json-1
    [TestCase(null, "plain text", TestName = "TP3_PresenceMessageWithEncodedDataFromJson(1 none)")]
    [TestCase("json", "{\"status\":\"online\"}", TestName = "TP3_PresenceMessageWithEncodedDataFromJson(2 json)")]
    [TestCase("base64", "SGVsbG8=", TestName = "TP3_PresenceMessageWithEncodedDataFromJson(3 base64)")]
    [Adapted(WireJson)]
    public void TP3_PresenceMessageWithEncodedDataFromJson(string? encoding, string wireData)
    {
        var page = new JArray(new JObject { ["action"] = 2, ["clientId"] = "user-1", ["data"] = wireData, ["encoding"] = encoding });

        var msg = FromEncoded(page.ToString(Newtonsoft.Json.Formatting.None)).Items[0];

        switch (encoding)
        {
            case null: Assert.That(msg.Data, Is.EqualTo("plain text")); break;
            case "json": Assert.That(JToken.DeepEquals((JToken?)msg.Data, new JObject { ["status"] = "online" }), Is.True); break;
            default: Assert.That(msg.Data, Is.EqualTo(System.Text.Encoding.UTF8.GetBytes("Hello"))); break;
        }

        Assert.That(msg.Encoding, Is.Null);
    }

    // UTS: rest/unit/TP3/presence-to-json-2
    [Test]
    [Adapted("PresenceMessage has no public toJson: the serialization checked is the client's own, of a realtime presence ENTER for user-1 with extras (enterClient, RTP15) as sent on the JSON protocol.")]
    [Divergence("the presence commands took data only, so a client could never send presence extras (RTP8a, RTP9a, RTP10a); each command now has a form that takes extras too")]
    public async Task TP3_PresenceMessageToJson()
    {
        var sent = await SentPresence("hello", new JObject { ["headers"] = new JObject { ["x-key"] = "x-value" } });

        Assert.That((int)sent["action"]!, Is.EqualTo((int)PresenceAction.Enter));
        Assert.That((string?)sent["clientId"], Is.EqualTo("user-1"));
        Assert.That((string?)sent["data"], Is.EqualTo("hello"));
        Assert.That((string?)sent["extras"]?["headers"]?["x-key"], Is.EqualTo("x-value"));
    }

    // UTS: rest/unit/TP3/null-attributes-omitted-3
    [Test]
    [Adapted("PresenceMessage has no public toJson: the serialization checked is the client's own, of a realtime presence ENTER for user-1 (enterClient, RTP15) as sent on the JSON protocol.")]
    public async Task TP3_NullAttributesOmittedFromSerialization()
    {
        var sent = await SentPresence(null);

        Assert.That((int)sent["action"]!, Is.EqualTo((int)PresenceAction.Enter));
        Assert.That((string?)sent["clientId"], Is.EqualTo("user-1"));
        foreach (var field in new[] { "data", "encoding", "extras", "id" })
        {
            Assert.That(sent[field] is null || sent[field]!.Type == JTokenType.Null, Is.True, field);
        }
    }

    /// <summary>The presence message of the PRESENCE frame a client sends to enter user-1.</summary>
    private static async Task<JObject> SentPresence(object? data, JObject? extras = null)
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { UseBinaryProtocol = false });
        var channel = client.Channels.Get("test-TP3-out");
        scheduler.Await(channel.AttachAsync());

        // enterClient (RTP15), which names the member's clientId in the message; enter leaves it implicit (RTP8c).
        scheduler.Await(channel.Presence.EnterClientAsync("user-1", data, extras));

        var frame = server.Connections[^1].FramesFromClientOf(ProtocolAction.Presence).Single();
        return (JObject)frame.Json["presence"]![0]!;
    }

    // UTS: rest/unit/TP4/from-encoded-presence-0
    [Test]
    [Adapted("PresenceMessage has no public fromEncoded/fromEncodedArray: a REST presence page is the client's decoding of an array of encoded presence messages, and a page of one of a single message.")]
    public void TP4_FromEncodedAndFromEncodedArray()
    {
        var msg = FromEncoded("""[{"action":2,"clientId":"user-1","data":"{\"status\":\"online\"}","encoding":"json"}]""").Items.Single();
        Assert.That(msg.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(msg.ClientId, Is.EqualTo("user-1"));
        Assert.That(JToken.DeepEquals((JToken?)msg.Data, new JObject { ["status"] = "online" }), Is.True);
        Assert.That(msg.Encoding, Is.Null);

        var messages = FromEncoded("""[{"action":2,"clientId":"alice","data":"hello"},{"action":2,"clientId":"bob","data":"world"}]""").Items;
        Assert.That(messages, Has.Count.EqualTo(2));
        Assert.That(messages[0].ClientId, Is.EqualTo("alice"));
        Assert.That(messages[0].Data, Is.EqualTo("hello"));
        Assert.That(messages[1].ClientId, Is.EqualTo("bob"));
        Assert.That(messages[1].Data, Is.EqualTo("world"));
    }

    // UTS: rest/unit/TP5/presence-message-size-0
    [Test]
    public void TP5_PresenceMessageSizeCalculation()
    {
        var msg = new PresenceMessage(PresenceAction.Enter, "user-1", "hello");
        Assert.That(msg.Size, Is.EqualTo(11));

        var msg2 = new PresenceMessage(PresenceAction.Enter, "u", new JObject { ["key"] = "value" });
        Assert.That(msg2.Size, Is.GreaterThan(1));
    }
}
