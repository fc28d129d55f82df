using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>uts/rest/unit/channel/get_message.md (RSL11): <c>RestChannel#getMessage</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/channel/get_message.md")]
public sealed class GetMessageTests
{
    private static (MockHttp Mock, AblyRest Client, string ChannelName) Setup(string body, string prefix)
    {
        var mock = new MockHttp(req => req.RespondWith(200, body));
        return (mock, mock.Rest(o => o with { Key = "appId.keyId:keySecret" }), MockHttp.RandomName(prefix));
    }

    // UTS: rest/unit/RSL11b/get-correct-endpoint-0
    [Test]
    public void RSL11b_GetMessageSendsGetToTheMessageEndpoint()
    {
        var (mock, client, name) = Setup("""{"name":"evt","data":"hello","serial":"msg-serial-123","timestamp":1700000000000}""", "test-RSL11b");
        using var _ = client;

        mock.Await(client.Channels.Get(name).GetMessageAsync("msg-serial-123"));

        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        var request = mock.Requests[0];
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(name) + "/messages/msg-serial-123"));
        Assert.That(request.BodyText, Is.Empty);
    }

    // UTS: rest/unit/RSL11c/returns-decoded-message-0
    [Test]
    public void RSL11c_GetMessageReturnsTheDecodedMessage()
    {
        var (mock, client, name) = Setup("""
            {"id":"msg-id-1","name":"test-event","data":"hello world","serial":"serial-xyz","clientId":"client-1",
             "timestamp":1700000000000,"extras":{"push":{"notification":{"title":"Test"}}},
             "version":{"serial":"version-serial-1","timestamp":1700000000000,"clientId":"client-1"}}
            """, "test-RSL11c");
        using var _ = client;

        var msg = mock.Await(client.Channels.Get(name).GetMessageAsync("serial-xyz"));

        Assert.That(msg, Is.InstanceOf<Message>());
        Assert.That(msg.Id, Is.EqualTo("msg-id-1"));
        Assert.That(msg.Name, Is.EqualTo("test-event"));
        Assert.That(msg.Data, Is.EqualTo("hello world"));
        Assert.That(msg.Serial, Is.EqualTo("serial-xyz"));
        Assert.That(msg.ClientId, Is.EqualTo("client-1"));
        Assert.That(msg.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)));
        Assert.That(msg.Version?.Serial, Is.EqualTo("version-serial-1"));
    }

    // UTS: rest/unit/RSL11b/url-encodes-serial-1
    [Test]
    public void RSL11b_GetMessageUrlEncodesTheSerial()
    {
        const string serial = "serial/with:special+chars";
        var (mock, client, name) = Setup("""{"name":"evt","data":"hello","serial":"serial/with:special+chars"}""", "test-RSL11b-encode");
        using var _ = client;

        mock.Await(client.Channels.Get(name).GetMessageAsync(serial));

        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(name) + "/messages/" + Uri.EscapeDataString(serial)));
    }

    // UTS: rest/unit/RSL11a/missing-serial-error-0
    [Test]
    public void RSL11a_GetMessageWithAnEmptySerialFails()
    {
        var (mock, client, name) = Setup("{}", "test-RSL11a-error");
        using var _ = client;

        var error = mock.AwaitFailure(client.Channels.Get(name).GetMessageAsync(""));

        Assert.That(error.Code, Is.EqualTo(40003));
    }
}
