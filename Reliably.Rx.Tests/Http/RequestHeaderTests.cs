using System.Net;
using System.Text;
using Reliably.Rx.Auth;

namespace Reliably.Rx.Tests.Http;

[TestFixture]
public sealed class RequestHeaderTests
{
    private static FakeHttpHandler Ok() => new(r => r.Method == HttpMethod.Post
        ? FakeHttpHandler.Json(HttpStatusCode.Created, "{\"serials\":[\"s1\"]}")
        : FakeHttpHandler.Json("[]"));

    [Test]
    public async Task RSC7e_RSC7d_VersionAndAgentHeaders()
    {
        var handler = Ok();
        using var rest = TestClients.Rest(handler, o => o with { Agents = new Dictionary<string, string?> { ["my-app"] = "1.2", ["bare"] = null } });

        await rest.Channels.Get("c").HistoryAsync();

        var request = handler.Requests.Single();
        Assert.That(request.Header("X-Ably-Version"), Is.EqualTo("6"));
        Assert.That(request.Header("Ably-Agent"), Does.Match(@"^reliably-rx/\S+ dotnet/\d+\.\d+\.\d+ my-app/1\.2 bare$"));
    }

    [Test]
    public async Task RSC8a_MsgPackIsTheDefaultFormat()
    {
        var handler = new FakeHttpHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent(new byte[] { 0x80 }) };
            response.Content.Headers.ContentType = new("application/x-msgpack");
            return response;
        });
        using var rest = TestClients.Rest(handler, o => o with { UseBinaryProtocol = true });

        var result = await rest.Channels.Get("c").PublishAsync("n", new byte[] { 1, 2, 3 });

        var request = handler.Requests.Single();
        Assert.That(request.Header("Accept"), Is.EqualTo("application/x-msgpack"));
        Assert.That(request.ContentType, Is.EqualTo("application/x-msgpack"));
        Assert.That(request.Body[0] & 0xF0, Is.EqualTo(0x90), "a msgpack array of messages");
        Assert.That(result.Serials, Is.Empty);
    }

    [Test]
    public async Task RSC8b_JsonWhenUseBinaryProtocolIsOff()
    {
        var handler = Ok();
        using var rest = TestClients.Rest(handler);

        var result = await rest.Channels.Get("c").PublishAsync("n", new byte[] { 1, 2, 3 });

        var request = handler.Requests.Single();
        Assert.That(request.Header("Accept"), Is.EqualTo("application/json"));
        Assert.That(request.ContentType, Is.EqualTo("application/json"));
        Assert.That((string?)request.BodyJson[0]!["data"], Is.EqualTo("AQID"));
        Assert.That((string?)request.BodyJson[0]!["encoding"], Is.EqualTo("base64"));
        Assert.That(result.Serials, Is.EqualTo(new[] { "s1" }));
    }

    [Test]
    public async Task RSA11_BasicAuthHeaderAndRSA7e2_ClientIdHeader()
    {
        var handler = Ok();
        using var rest = TestClients.Rest(handler, o => o with { ClientId = "alice" });

        await rest.Channels.Get("c").HistoryAsync();

        var request = handler.Requests.Single();
        Assert.That(request.Header("Authorization"), Is.EqualTo("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TestClients.Key))));
        Assert.That(request.Header("X-Ably-ClientId"), Is.EqualTo(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("alice"))));
    }

    [Test]
    public async Task RSA3b_TokenAuthSendsBearerTokenAndNoClientIdHeader()
    {
        var handler = Ok();
        using var rest = TestClients.Rest(handler, o => o with { Key = null, Token = "my-token", ClientId = "alice" });

        await rest.Channels.Get("c").HistoryAsync();

        var request = handler.Requests.Single();
        Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer my-token"));
        Assert.That(request.Header("X-Ably-ClientId"), Is.Null);
    }

    [Test]
    public async Task RSC7c_RequestIdIsAddedAndKeptAcrossFallbacks()
    {
        var handler = new FakeHttpHandler(r => r.Host == "main.realtime.ably.net"
            ? FakeHttpHandler.Error(HttpStatusCode.BadGateway, 50200)
            : FakeHttpHandler.Json("[]"));
        using var rest = TestClients.Rest(handler, o => o with { AddRequestIds = true });

        await rest.Channels.Get("c").HistoryAsync();

        var ids = handler.Requests.Select(r => r.Query["request_id"]).ToList();
        Assert.That(ids, Has.Count.EqualTo(2));
        Assert.That(ids[0], Is.EqualTo(ids[1]));
        Assert.That(ids[0], Has.Length.GreaterThanOrEqualTo(12));
    }

    [Test]
    public async Task RSC16_TimeIsJsonAndUnauthenticated()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("[1712345678901]"));
        using var rest = TestClients.Rest(handler, o => o with { UseBinaryProtocol = true });

        var time = await rest.TimeAsync();

        Assert.That(time, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1712345678901)));
        Assert.That(handler.Requests.Single().Header("Authorization"), Is.Null);
        Assert.That(handler.Requests.Single().Header("Accept"), Is.EqualTo("application/json"));
    }

    [Test]
    public async Task RSL1_ChannelNameIsEscapedInThePath()
    {
        var handler = Ok();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("a b/c:d").HistoryAsync();

        Assert.That(handler.Requests.Single().Uri.AbsolutePath, Is.EqualTo("/channels/a%20b%2Fc%3Ad/messages"));
    }

    [Test]
    public void AgentHeaderStartsWithTheLibrary()
    {
        Assert.That(Reliably.Rx.Http.AblyHeaders.Agent(null), Does.StartWith("reliably-rx/" + Reliably.Rx.Http.AblyHeaders.LibraryVersion));
        Assert.That(new AuthCredentials { Key = TestClients.Key }.ToString(), Does.Not.Contain("keySecret"));
    }
}
