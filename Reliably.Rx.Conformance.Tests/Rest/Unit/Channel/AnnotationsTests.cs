using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>
/// uts/rest/unit/channel/annotations.md (RSL10, RSAN): <c>RestChannel#annotations</c>.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/channel/annotations.md")]
public sealed class AnnotationsTests
{
    private static (MockHttp Mock, AblyRest Client, RestChannel Channel) Setup(string prefix, int status = 201, string body = "{}", bool idempotent = true)
    {
        var mock = new MockHttp(req => req.RespondWith(status, body));
        var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", IdempotentRestPublishing = idempotent });
        return (mock, client, client.Channels.Get(MockHttp.RandomName(prefix)));
    }

    // UTS: rest/unit/RSL10/annotations-attribute-type-0
    [Test]
    public void RSL10_ChannelAnnotationsReturnsRestAnnotations()
    {
        var (_, client, channel) = Setup("test-RSL10");
        using var _ = client;
        Assert.That(channel.Annotations, Is.InstanceOf<RestAnnotations>());
    }

    // UTS: rest/unit/RSAN1c6/publish-post-annotation-create-0
    [Test]
    public void RSAN1c6_RSAN1c1_RSAN1c2_PublishSendsPostWithAnnotationCreate()
    {
        var (mock, client, channel) = Setup("test-RSAN1-publish");
        using var _ = client;
        mock.Await(channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/messages/msg-serial-1/annotations"));
        var body = (JArray)MockHttp.Body(mock.Requests[0]);
        Assert.That(body, Has.Count.EqualTo(1));
        Assert.That((int)body[0]["action"]!, Is.EqualTo(0));
        Assert.That((string?)body[0]["messageSerial"], Is.EqualTo("msg-serial-1"));
        Assert.That((string?)body[0]["type"], Is.EqualTo("com.example.reaction"));
        Assert.That((string?)body[0]["name"], Is.EqualTo("like"));
    }

    // UTS: rest/unit/RSAN1a3/publish-type-required-0
    [Test]
    public void RSAN1a3_PublishValidatesTypeIsRequired()
    {
        var (mock, client, channel) = Setup("test-RSAN1a3");
        using var _ = client;
        var error = mock.AwaitFailure(channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Name = "like" }));
        Assert.That(error.Code, Is.EqualTo(40003));
    }

    // UTS: rest/unit/RSAN1c3/annotation-data-encoded-0
    [Test]
    public void RSAN1c3_AnnotationDataEncodedPerRSL4()
    {
        var (mock, client, channel) = Setup("test-RSAN1c3");
        using var _ = client;
        var data = JObject.Parse("""{"key":"value","nested":{"a":1}}""");
        mock.Await(channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.data", Data = data }));
        var annotation = MockHttp.Body(mock.Requests[0])[0]!;
        Assert.That(annotation["data"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That((string?)annotation["encoding"], Is.EqualTo("json"));
        Assert.That(JToken.DeepEquals(JToken.Parse((string)annotation["data"]!), data), Is.True);
    }

    // UTS: rest/unit/RSAN1c4/idempotent-id-generated-0
    [Test]
    public void RSAN1c4_IdempotentIdGeneratedWhenEnabled()
    {
        var (mock, client, channel) = Setup("test-RSAN1c4-enabled", idempotent: true);
        using var _ = client;
        mock.Await(channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction" }));
        var parts = ((string)MockHttp.Body(mock.Requests[0])[0]!["id"]!).Split(':');
        Assert.That(parts, Has.Length.EqualTo(2));
        Assert.That(parts[0], Does.Match("^[A-Za-z0-9_-]{12,}$"));
        Assert.That(parts[1], Is.EqualTo("0"));
    }

    // UTS: rest/unit/RSAN1c4/idempotent-id-not-generated-1
    [Test]
    public void RSAN1c4_IdempotentIdNotGeneratedWhenDisabled()
    {
        var (mock, client, channel) = Setup("test-RSAN1c4-disabled", idempotent: false);
        using var _ = client;
        mock.Await(channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction" }));
        Assert.That(((JObject)MockHttp.Body(mock.Requests[0])[0]!).ContainsKey("id"), Is.False);
    }

    [Test]
    public void RSAN2a_DeleteSendsPostWithAnnotationDelete()
    {
        var (mock, client, channel) = Setup("test-RSAN2-delete");
        using var _ = client;
        mock.Await(channel.Annotations.DeleteAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/messages/msg-serial-1/annotations"));
        var body = (JArray)MockHttp.Body(mock.Requests[0]);
        Assert.That(body, Has.Count.EqualTo(1));
        Assert.That((int)body[0]["action"]!, Is.EqualTo(1));
        Assert.That((string?)body[0]["messageSerial"], Is.EqualTo("msg-serial-1"));
        Assert.That((string?)body[0]["type"], Is.EqualTo("com.example.reaction"));
        Assert.That((string?)body[0]["name"], Is.EqualTo("like"));
    }

    [Test]
    public void RSAN3b_GetSendsGetToTheAnnotationsEndpoint()
    {
        var (mock, client, channel) = Setup("test-RSAN3-get", 200, """
            [{"id":"ann-1","action":0,"type":"com.example.reaction","name":"like","clientId":"user-1","serial":"ann-serial-1",
              "messageSerial":"msg-serial-1","timestamp":1700000000000}]
            """);
        using var _ = client;
        mock.Await(channel.Annotations.GetAsync("msg-serial-1"));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/messages/msg-serial-1/annotations"));
    }

    [Test]
    public void RSAN3c_GetReturnsPaginatedResultOfAnnotations()
    {
        var (mock, client, channel) = Setup("test-RSAN3c", 200, """
            [{"id":"ann-1","action":0,"type":"com.example.reaction","name":"like","clientId":"user-1","count":1,"data":"thumbs-up",
              "serial":"ann-serial-1","messageSerial":"msg-serial-1","timestamp":1700000000000,"extras":{"custom":"metadata"}},
             {"id":"ann-2","action":0,"type":"com.example.reaction","name":"heart","clientId":"user-2","serial":"ann-serial-2",
              "messageSerial":"msg-serial-1","timestamp":1700000001000}]
            """);
        using var _ = client;
        var result = mock.Await(channel.Annotations.GetAsync("msg-serial-1"));
        Assert.That(result, Is.InstanceOf<PaginatedResult<Annotation>>());
        Assert.That(result.Items, Has.Count.EqualTo(2));
        var ann1 = result.Items[0];
        Assert.That(ann1.Id, Is.EqualTo("ann-1"));
        Assert.That(ann1.Action, Is.EqualTo(AnnotationAction.Create));
        Assert.That(ann1.Type, Is.EqualTo("com.example.reaction"));
        Assert.That(ann1.Name, Is.EqualTo("like"));
        Assert.That(ann1.ClientId, Is.EqualTo("user-1"));
        Assert.That(ann1.Count, Is.EqualTo(1));
        Assert.That(ann1.Data, Is.EqualTo("thumbs-up"));
        Assert.That(ann1.Serial, Is.EqualTo("ann-serial-1"));
        Assert.That(ann1.MessageSerial, Is.EqualTo("msg-serial-1"));
        Assert.That(ann1.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)));
        Assert.That((string?)ann1.Extras!["custom"], Is.EqualTo("metadata"));
        Assert.That(result.Items[1].Name, Is.EqualTo("heart"));
        Assert.That(result.Items[1].ClientId, Is.EqualTo("user-2"));
    }

    [Test]
    public void RSAN3b_GetPassesParamsAsQuerystring()
    {
        var (mock, client, channel) = Setup("test-RSAN3b-params", 200, "[]");
        using var _ = client;
        mock.Await(channel.Annotations.GetAsync("msg-serial-1", new Dictionary<string, string> { ["limit"] = "50" }));
        Assert.That(mock.Requests[0].Query("limit"), Is.EqualTo("50"));
    }
}
