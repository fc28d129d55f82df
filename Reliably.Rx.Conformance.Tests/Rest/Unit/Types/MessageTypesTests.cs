using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>uts/rest/unit/types/message_types.md (TM2, TM3, TM4): the <c>Message</c> type.</summary>
[TestFixture]
[Category("uts/rest/unit/types/message_types.md")]
public sealed class MessageTypesTests
{
    /// <summary>
    /// <c>Message.fromEncoded(json)</c>: Message has no public fromEncoded; a REST history page holding the JSON is the
    /// client's decoding of a received message.
    /// </summary>
    internal static Message FromEncoded(JObject json)
    {
        var mock = new MockHttp(req => req.RespondWith(200, new JArray(json).ToString(Newtonsoft.Json.Formatting.None)));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        return mock.Await(client.Channels.Get("test-TM").HistoryAsync()).Items.Single();
    }

    // UTS: rest/unit/TM2a/message-attributes-0
    [Test]
    public void TM2a_TM2b_TM2c_TM2d_TM2e_TM2f_TM2g_TM2h_TM2i_MessageAttributes()
    {
        Assert.That(new Message { Id = "unique-id" }.Id, Is.EqualTo("unique-id"));
        Assert.That(new Message { Name = "event-name" }.Name, Is.EqualTo("event-name"));
        Assert.That(new Message { Data = "string-data" }.Data, Is.EqualTo("string-data"));
        Assert.That(JToken.DeepEquals((JToken?)new Message { Data = new JObject { ["key"] = "value" } }.Data, new JObject { ["key"] = "value" }), Is.True);
        Assert.That(new Message { Data = new byte[] { 0x01, 0x02 } }.Data, Is.EqualTo(new byte[] { 0x01, 0x02 }));
        Assert.That(new Message { ClientId = "message-client" }.ClientId, Is.EqualTo("message-client"));
        Assert.That(new Message { ConnectionId = "conn-id" }.ConnectionId, Is.EqualTo("conn-id"));
        Assert.That(new Message { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1234567890000) }.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
        Assert.That(new Message { Encoding = "json/base64" }.Encoding, Is.EqualTo("json/base64"));
        var extras = new Message { Extras = JObject.Parse("""{"push":{"notification":{"title":"Hello"}}}""") }.Extras;
        Assert.That((string?)extras!["push"]!["notification"]!["title"], Is.EqualTo("Hello"));

        // TM2i: the serial is the server's, read from responses.
        Assert.That(FromEncoded(JObject.Parse("""{"serial":"server-serial"}""")).Serial, Is.EqualTo("server-serial"));
    }

    // UTS: rest/unit/TM3/from-encoded-deserialization-0
    [Test]
    [Adapted("Message has no public fromEncoded: decoding a received message is what the client does to every message of a REST history page, so the JSON is served as one.")]
    public void TM3_FromEncodedDeserialization()
    {
        var message = FromEncoded(JObject.Parse("""
            {"id":"msg-123","name":"test-event","data":"hello world","clientId":"sender-client","connectionId":"conn-456",
             "timestamp":1234567890000,"encoding":null,"extras":{"headers":{"x-custom":"value"}}}
            """));

        Assert.That(message.Id, Is.EqualTo("msg-123"));
        Assert.That(message.Name, Is.EqualTo("test-event"));
        Assert.That(message.Data, Is.EqualTo("hello world"));
        Assert.That(message.ClientId, Is.EqualTo("sender-client"));
        Assert.That(message.ConnectionId, Is.EqualTo("conn-456"));
        Assert.That(message.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
        Assert.That((string?)message.Extras!["headers"]!["x-custom"], Is.EqualTo("value"));
    }

    // UTS: rest/unit/TM3/from-encoded-decodes-encoding-1
    [TestCase(null, "plain text", "\"plain text\"", TestName = "TM3_FromEncodedDecodesTheEncodingField(1 none)")]
    [TestCase("json", "{\"key\":\"value\"}", "{\"key\":\"value\"}", TestName = "TM3_FromEncodedDecodesTheEncodingField(2 json)")]
    [TestCase("base64", "SGVsbG8=", null, TestName = "TM3_FromEncodedDecodesTheEncodingField(3 base64)")]
    [TestCase("json/base64", "eyJrIjoidiJ9", "{\"k\":\"v\"}", TestName = "TM3_FromEncodedDecodesTheEncodingField(4 json/base64)")]
    [Adapted("Message has no public fromEncoded: the JSON is served as a REST history page, which the client decodes.")]
    public void TM3_FromEncodedDecodesTheEncodingField(string? encoding, string wireData, string? expectedJson)
    {
        var message = FromEncoded(new JObject { ["id"] = "msg", ["name"] = "event", ["data"] = wireData, ["encoding"] = encoding });

        if (expectedJson is null)
        {
            Assert.That(message.Data, Is.EqualTo(System.Text.Encoding.UTF8.GetBytes("Hello")));
        }
        else if (JToken.Parse(expectedJson) is JValue { Type: JTokenType.String } text)
        {
            Assert.That(message.Data, Is.EqualTo((string?)text));
        }
        else
        {
            Assert.That(JToken.DeepEquals((JToken?)message.Data, JToken.Parse(expectedJson)), Is.True, message.ToString());
        }

        Assert.That(message.Encoding, Is.Null);
    }

    // UTS: rest/unit/TM4/message-constructors-0
    [Test]
    [Adapted("The (name, data, clientId) constructor is the (name, data) constructor with a ClientId initializer, C#'s idiom for optional attributes.")]
    public void TM4_MessageConstructors()
    {
        var message = new Message("event-name", "payload");
        Assert.That(message.Name, Is.EqualTo("event-name"));
        Assert.That(message.Data, Is.EqualTo("payload"));
        Assert.That(message.ClientId, Is.Null);

        var withClient = new Message("event-name", "payload") { ClientId = "client-1" };
        Assert.That(withClient.Name, Is.EqualTo("event-name"));
        Assert.That(withClient.Data, Is.EqualTo("payload"));
        Assert.That(withClient.ClientId, Is.EqualTo("client-1"));

        var empty = new Message(null, null);
        Assert.That(empty.Name, Is.Null);
        Assert.That(empty.Data, Is.Null);
    }

    // UTS: rest/unit/TM/null-missing-attributes-0
    [Test]
    public void TM_NullMissingAttributes()
    {
        var message = new Message();

        Assert.That(message.Id, Is.Null);
        Assert.That(message.Name, Is.Null);
        Assert.That(message.Data, Is.Null);
        Assert.That(message.ClientId, Is.Null);
        Assert.That(message.Timestamp, Is.Null);
    }

    // UTS: rest/unit/TM/message-with-extras-1
    [Test]
    public void TM_MessageWithExtras()
    {
        var message = new Message("push-event", "payload")
        {
            Extras = JObject.Parse("""
                {"push":{"notification":{"title":"New Message","body":"You have a new notification"},"data":{"customKey":"customValue"}}}
                """),
        };

        Assert.That((string?)message.Extras!["push"]!["notification"]!["title"], Is.EqualTo("New Message"));
        Assert.That((string?)message.Extras["push"]!["data"]!["customKey"], Is.EqualTo("customValue"));
    }
}
