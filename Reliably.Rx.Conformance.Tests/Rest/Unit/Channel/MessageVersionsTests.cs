using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>
/// uts/rest/unit/channel/message_versions.md (RSL14): <c>RestChannel#getMessageVersions</c>. Not implemented yet: each
/// case sets up its mock and client as it will run, and gives the intended calls and assertions in a comment block.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/channel/message_versions.md")]
public sealed class MessageVersionsTests
{
    private const string NotImplemented = "not implemented: message versions (RSL14 getMessageVersions)";

    private const string TwoVersions = """
        [{"name":"evt","data":"updated-data","serial":"msg-serial-1","action":1,
          "version":{"serial":"vs2","timestamp":1700000002000,"clientId":"user-1","description":"edit"}},
         {"name":"evt","data":"original-data","serial":"msg-serial-1","action":0,
          "version":{"serial":"vs1","timestamp":1700000001000}}]
        """;

    private static (MockHttp Mock, AblyRest Client, RestChannel Channel) Setup(string prefix, string body)
    {
        var mock = new MockHttp(req => req.RespondWith(200, body));
        var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        return (mock, client, client.Channels.Get(MockHttp.RandomName(prefix)));
    }

    // UTS: rest/unit/RSL14b/get-correct-endpoint-0
    [Test]
    public void RSL14b_GetMessageVersionsSendsGetToTheVersionsEndpoint()
    {
        var (mock, client, channel) = Setup("test-RSL14b", TwoVersions);
        using var _ = client;
        mock.Await(channel.GetMessageVersionsAsync("msg-serial-1"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/messages/msg-serial-1/versions"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL14c/returns-paginated-result-0
    [Test]
    public void RSL14c_GetMessageVersionsReturnsPaginatedResultOfMessages()
    {
        var (mock, client, channel) = Setup("test-RSL14c", TwoVersions);
        using var _ = client;
        var result = mock.Await(channel.GetMessageVersionsAsync("msg-serial-1"));
        Assert.That(result, Is.InstanceOf<PaginatedResult<Message>>());
        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Items[0].Data, Is.EqualTo("updated-data"));
        Assert.That(result.Items[0].Action, Is.EqualTo(MessageAction.Update));
        Assert.That(result.Items[0].Version!.Serial, Is.EqualTo("vs2"));
        Assert.That(result.Items[0].Version!.Description, Is.EqualTo("edit"));
        Assert.That(result.Items[1].Data, Is.EqualTo("original-data"));
        Assert.That(result.Items[1].Action, Is.EqualTo(MessageAction.Create));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }

    // UTS: rest/unit/RSL14a/params-as-querystring-0
    [Test]
    public void RSL14a_GetMessageVersionsPassesParamsAsQuerystring()
    {
        var (mock, client, channel) = Setup("test-RSL14a-params", "[]");
        using var _ = client;
        mock.Await(channel.GetMessageVersionsAsync("msg-serial-1", new Dictionary<string, string> { ["direction"] = "backwards", ["limit"] = "10" }));
        Assert.That(mock.Requests[0].Query("direction"), Is.EqualTo("backwards"));
        Assert.That(mock.Requests[0].Query("limit"), Is.EqualTo("10"));
        Assert.That(mock.Requests, Has.Count.EqualTo(1), channel.Name);
    }
}
