using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>
/// uts/rest/unit/channel/update_delete_message.md (RSL15): <c>RestChannel#updateMessage</c>, <c>deleteMessage</c> and
/// <c>appendMessage</c>. Not implemented yet: each case sets up its mock and client as it will run, and gives the
/// intended calls and assertions in a comment block, in the shape the API is expected to take.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/channel/update_delete_message.md")]
public sealed class UpdateDeleteMessageTests
{
    private const string NotImplemented = "not implemented: message updates, deletes and appends (RSL15)";

    private static (MockHttp Mock, AblyRest Client, RestChannel Channel) Setup(string prefix, string body = """{"versionSerial":"vs1"}""")
    {
        var mock = new MockHttp(req => req.RespondWith(200, body));
        var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        return (mock, client, client.Channels.Get(MockHttp.RandomName(prefix)));
    }

    // UTS: rest/unit/RSL15b/update-sends-patch-update-0
    [Test]
    public void RSL15b_RSL15b1_UpdateMessageSendsPatchWithActionMessageUpdate()
    {
        var (mock, client, channel) = Setup("test-RSL15-update");
        using var _ = client;
        mock.Await(channel.UpdateMessageAsync(new Message("updated", "new-data") { Serial = "msg-serial-1" }));
        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Patch));
        Assert.That(mock.Requests[0].Path, Is.EqualTo(channel.BasePath + "/messages/msg-serial-1"));
        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That((int)body["action"]!, Is.EqualTo(1));
        Assert.That((string?)body["name"], Is.EqualTo("updated"));
        Assert.That((string?)body["data"], Is.EqualTo("new-data"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15b/delete-sends-patch-delete-1
    [Test]
    public void RSL15b_RSL15b1_DeleteMessageSendsPatchWithActionMessageDelete()
    {
        var (mock, client, channel) = Setup("test-RSL15-delete");
        using var _ = client;
        mock.Await(channel.DeleteMessageAsync(new Message { Serial = "msg-serial-1" }));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Patch));
        Assert.That(mock.Requests[0].Path, Is.EqualTo(channel.BasePath + "/messages/msg-serial-1"));
        Assert.That((int)MockHttp.Body(mock.Requests[0])["action"]!, Is.EqualTo(2));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15b/append-sends-patch-append-2
    [Test]
    public void RSL15b_RSL15b1_AppendMessageSendsPatchWithActionMessageAppend()
    {
        var (mock, client, channel) = Setup("test-RSL15-append");
        using var _ = client;
        mock.Await(channel.AppendMessageAsync(new Message { Serial = "msg-serial-1", Data = "appended-data" }));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Patch));
        Assert.That(mock.Requests[0].Path, Is.EqualTo(channel.BasePath + "/messages/msg-serial-1"));
        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That((int)body["action"]!, Is.EqualTo(5));
        Assert.That((string?)body["data"], Is.EqualTo("appended-data"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15b7/version-set-with-operation-0
    [Test]
    public void RSL15b7_VersionSetToMessageOperationWhenProvided()
    {
        var (mock, client, channel) = Setup("test-RSL15b7");
        using var _ = client;
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1", Data = "updated" },
            new MessageOperation { ClientId = "user1", Description = "fixed typo", Metadata = new Dictionary<string, string> { ["reason"] = "typo" } }));
        var version = MockHttp.Body(mock.Requests[0])["version"]!;
        Assert.That((string?)version["clientId"], Is.EqualTo("user1"));
        Assert.That((string?)version["description"], Is.EqualTo("fixed typo"));
        Assert.That((string?)version["metadata"]!["reason"], Is.EqualTo("typo"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15b7/version-absent-no-operation-1
    [Test]
    public void RSL15b7_VersionAbsentWhenNoMessageOperationProvided()
    {
        var (mock, client, channel) = Setup("test-RSL15b7-absent");
        using var _ = client;
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1", Data = "updated" }));
        Assert.That(((JObject)MockHttp.Body(mock.Requests[0])).ContainsKey("version"), Is.False);
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15c/no-mutate-user-message-0
    [Test]
    public void RSL15c_DoesNotMutateTheUserSuppliedMessage()
    {
        var (mock, client, channel) = Setup("test-RSL15c");
        using var _ = client;
        var original = new Message("orig", "original-data") { Serial = "s1" };
        mock.Await(channel.UpdateMessageAsync(original));
        Assert.That((int)MockHttp.Body(mock.Requests[0])["action"]!, Is.EqualTo(1));
        Assert.That(original.Action, Is.Null);
        Assert.That(original.Name, Is.EqualTo("orig"));
        Assert.That(original.Data, Is.EqualTo("original-data"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15e/returns-update-delete-result-0
    [Test]
    public void RSL15e_ReturnsUpdateDeleteResultOnSuccess()
    {
        var (mock, client, channel) = Setup("test-RSL15e", """{"versionSerial":"version-serial-abc"}""");
        using var _ = client;
        var result = mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1", Data = "updated" }));
        Assert.That(result, Is.InstanceOf<UpdateDeleteResult>());
        Assert.That(result.VersionSerial, Is.EqualTo("version-serial-abc"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15e/null-version-serial-1
    [Test]
    public void RSL15e_UpdateDeleteResultWithNullVersionSerial()
    {
        var (mock, client, channel) = Setup("test-RSL15e-null", """{"versionSerial":null}""");
        using var _ = client;
        var result = mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1", Data = "updated" }));
        Assert.That(result, Is.InstanceOf<UpdateDeleteResult>());
        Assert.That(result.VersionSerial, Is.Null);
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15f/params-sent-as-querystring-0
    [Test]
    public void RSL15f_ParamsSentAsQuerystring()
    {
        var (mock, client, channel) = Setup("test-RSL15f");
        using var _ = client;
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1", Data = "updated" }, operation: null,
            new Dictionary<string, string> { ["key"] = "value", ["num"] = "42" }));
        Assert.That(mock.Requests[0].Query("key"), Is.EqualTo("value"));
        Assert.That(mock.Requests[0].Query("num"), Is.EqualTo("42"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15a/serial-required-throws-error-0
    [Test]
    public void RSL15a_SerialRequiredThrowsErrorIfMissing()
    {
        var (mock, client, channel) = Setup("test-RSL15a");
        using var _ = client;
        Assert.That(mock.AwaitFailure(channel.UpdateMessageAsync(new Message("x", "y"))).Code, Is.EqualTo(40003));
        Assert.That(mock.AwaitFailure(channel.DeleteMessageAsync(new Message { Name = "x" })).Code, Is.EqualTo(40003));
        Assert.That(mock.AwaitFailure(channel.AppendMessageAsync(new Message { Data = "y" })).Code, Is.EqualTo(40003));
    }

    // UTS: rest/unit/RSL15d/body-encoded-per-rsl4-0
    [Test]
    public void RSL15d_RequestBodyEncodedPerRSL4()
    {
        var (mock, client, channel) = Setup("test-RSL15d");
        using var _ = client;
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1", Data = new JObject { ["key"] = "value" } }));
        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That(body["data"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That((string?)body["encoding"], Is.EqualTo("json"));
        Assert.That(JToken.DeepEquals(JToken.Parse((string)body["data"]!), new JObject { ["key"] = "value" }), Is.True);
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL15b/serial-url-encoded-path-3
    [Test]
    public void RSL15b_SerialUrlEncodedInPath()
    {
        var (mock, client, channel) = Setup("test-RSL15b-encode");
        using var _ = client;
        const string serial = "serial/special:chars";
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = serial, Data = "updated" }));
        Assert.That(mock.Requests[0].Path, Is.EqualTo(channel.BasePath + "/messages/" + Uri.EscapeDataString(serial)));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name + serial);
    }
}
