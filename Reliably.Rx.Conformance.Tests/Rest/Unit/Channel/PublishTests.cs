using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>uts/rest/unit/channel/publish.md (RSL1): <c>RestChannel#publish</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/channel/publish.md")]
public sealed class PublishTests
{
    private static MockHttp Created(string serials = """{"serials":["s1"]}""") => new(req => req.RespondWith(201, serials));

    // UTS: rest/unit/RSL1a/publish-name-and-data-0
    [Test]
    public void RSL1a_RSL1b_PublishWithNameAndData()
    {
        var channelName = MockHttp.RandomName("test-RSL1a");
        var mock = Created("""{"serials":["serial1"]}""");
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Channels.Get(channelName).PublishAsync("greeting", "hello"));

        var request = mock.Requests[0];
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channelName) + "/messages"));
        var body = MockHttp.Body(request);
        Assert.That(body, Is.InstanceOf<JArray>());
        Assert.That(body, Has.Count.EqualTo(1));
        Assert.That((string?)body[0]!["name"], Is.EqualTo("greeting"));
        Assert.That((string?)body[0]!["data"], Is.EqualTo("hello"));
    }

    // UTS: rest/unit/RSL1a/publish-message-array-1
    [Test]
    public void RSL1a_RSL1c_PublishWithMessageArray()
    {
        var requests = 0;
        var mock = new MockHttp(req =>
        {
            requests++;
            req.RespondWith(201, """{"serials":["s1","s2","s3"]}""");
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1c")).PublishAsync(new[]
        {
            new Message("event1", "data1"),
            new Message("event2", new JObject { ["key"] = "value" }),
            new Message("event3", new byte[] { 0x01, 0x02, 0x03 }),
        }));

        Assert.That(requests, Is.EqualTo(1));
        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That(body, Has.Count.EqualTo(3));
        Assert.That((string?)body[0]!["name"], Is.EqualTo("event1"));
        Assert.That((string?)body[0]!["data"], Is.EqualTo("data1"));
        Assert.That((string?)body[1]!["name"], Is.EqualTo("event2"));

        // NOTE: the spec compares body[1]["data"] with the object itself; on the JSON wire a JSON payload is stringified
        // with encoding "json" (features.md RSL4d3, and this suite's own encoding case RSL4b), so the object is what the
        // data decodes to.
        Assert.That((string?)body[1]!["encoding"], Is.EqualTo("json"));
        Assert.That(JToken.DeepEquals(JToken.Parse((string)body[1]!["data"]!), new JObject { ["key"] = "value" }), Is.True);
    }

    // UTS: rest/unit/RSL1e/null-name-and-data-0
    [TestCase(null, "hello", """{"data":"hello"}""", TestName = "RSL1e_NullNameAndDataAreOmitted(1 null name)")]
    [TestCase("event", null, """{"name":"event"}""", TestName = "RSL1e_NullNameAndDataAreOmitted(2 null data)")]
    [TestCase(null, null, "{}", TestName = "RSL1e_NullNameAndDataAreOmitted(3 both null)")]
    public void RSL1e_NullNameAndDataAreOmitted(string? name, string? data, string expected)
    {
        var mock = Created();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1e")).PublishAsync(name, data));

        var body = (JArray)MockHttp.Body(mock.Requests[0]);

        // NOTE: the id that idempotent publishing (on by default, TO3n, RSL1k1) assigns is not part of the comparison.
        var sent = (JObject)body[0]!;
        sent.Remove("id");
        Assert.That(JToken.DeepEquals(body, new JArray(JObject.Parse(expected))), Is.True, body.ToString());
        Assert.That(sent.ContainsKey("name"), Is.EqualTo(name is not null));
        Assert.That(sent.ContainsKey("data"), Is.EqualTo(data is not null));
    }

    // UTS: rest/unit/RSL1h/publish-signature-0
    [Test]
    public void RSL1h_PublishNameDataSignature()
    {
        var requests = 0;
        var mock = new MockHttp(req =>
        {
            requests++;
            req.RespondWith(201, """{"serials":["s1"]}""");
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        // The (name, data) overload takes a cancellation token, C#'s idiom, and nothing else.
        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1h")).PublishAsync("event", "payload"));

        Assert.That(requests, Is.EqualTo(1));
        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That((string?)body[0]!["name"], Is.EqualTo("event"));
        Assert.That((string?)body[0]!["data"], Is.EqualTo("payload"));
    }

    // UTS: rest/unit/RSL1i/message-size-limit-0
    [TestCase(1000, true, TestName = "RSL1i_MessagesOverMaxMessageSizeAreRejected(1 under)")]
    [TestCase(1024, true, TestName = "RSL1i_MessagesOverMaxMessageSizeAreRejected(2 at limit)")]
    [TestCase(1025, false, TestName = "RSL1i_MessagesOverMaxMessageSizeAreRejected(3 over)")]
    [TestCase(10000, false, TestName = "RSL1i_MessagesOverMaxMessageSizeAreRejected(4 far over)")]
    public void RSL1i_MessagesOverMaxMessageSizeAreRejected(int messageSize, bool succeeds)
    {
        var mock = Created();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", MaxMessageSize = 1024 });
        var channel = client.Channels.Get(MockHttp.RandomName("test-RSL1i"));

        // NOTE: the table gives the message's size; per TO3l8 a message is measured as TM6 says (its name counts too),
        // so the data is the size less the 5 bytes of the name "event".
        var publish = channel.PublishAsync("event", new string('x', messageSize - "event".Length));
        if (succeeds)
        {
            mock.Await(publish);
            Assert.That(mock.Requests, Has.Count.EqualTo(1));
        }
        else
        {
            var error = mock.AwaitFailure(publish);
            Assert.That(error.Code, Is.EqualTo(40009));
            Assert.That(mock.Requests, Is.Empty);
        }
    }

    // UTS: rest/unit/RSL1j/all-attributes-transmitted-0
    [Test]
    public void RSL1j_AllMessageAttributesTransmitted()
    {
        var mock = Created();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1j")).PublishAsync(new Message("test-event", "test-data")
        {
            ClientId = "explicit-client-id",
            Id = "custom-message-id",
            Extras = JObject.Parse("""{"push":{"notification":{"title":"Test"}}}"""),
        }));

        var body = MockHttp.Body(mock.Requests[0])[0]!;
        Assert.That((string?)body["name"], Is.EqualTo("test-event"));
        Assert.That((string?)body["data"], Is.EqualTo("test-data"));
        Assert.That((string?)body["id"], Is.EqualTo("custom-message-id"));
        Assert.That((string?)body["extras"]!["push"]!["notification"]!["title"], Is.EqualTo("Test"));
    }

    // UTS: rest/unit/RSL1l/params-as-querystring-0
    [Test]
    public void RSL1l_PublishParamsSentAsQuerystring()
    {
        var mock = Created();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1l")).PublishAsync(
            new[] { new Message("event", "data") },
            new Dictionary<string, string> { ["customParam"] = "customValue", ["anotherParam"] = "123" }));

        Assert.That(mock.Requests[0].Query("customParam"), Is.EqualTo("customValue"));
        Assert.That(mock.Requests[0].Query("anotherParam"), Is.EqualTo("123"));
    }

    // UTS: rest/unit/RSL1m/clientid-not-injected-0
    [Test]
    public void RSL1m_RSL1m1_RSL1m2_RSL1m3_ClientIdNotSetFromLibraryClientId()
    {
        var mock = Created();

        // RSL1m1: a message without a clientId is sent without one.
        using var clientWithId = mock.Rest(o => o with { Key = "appId.keyId:keySecret", ClientId = "lib-client" });
        mock.Await(clientWithId.Channels.Get(MockHttp.RandomName("test-RSL1m1")).PublishAsync("e", "d"));
        Assert.That(((JObject)MockHttp.Body(mock.Requests[0])[0]!).ContainsKey("clientId"), Is.False);

        // RSL1m2: the message's own clientId, equal to the library's, is kept.
        mock.Await(clientWithId.Channels.Get(MockHttp.RandomName("test-RSL1m2")).PublishAsync(new Message("e", "d") { ClientId = "lib-client" }));
        Assert.That((string?)MockHttp.Body(mock.Requests[1])[0]!["clientId"], Is.EqualTo("lib-client"));

        // RSL1m3: an unidentified client may publish a message with a clientId.
        using var clientNoId = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        mock.Await(clientNoId.Channels.Get(MockHttp.RandomName("test-RSL1m3")).PublishAsync(new Message("e", "d") { ClientId = "msg-client" }));
        Assert.That((string?)MockHttp.Body(mock.Requests[2])[0]!["clientId"], Is.EqualTo("msg-client"));
    }
}
