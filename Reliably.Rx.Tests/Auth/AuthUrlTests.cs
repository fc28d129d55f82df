using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Auth;

[TestFixture]
public sealed class AuthUrlTests
{
    private static readonly Uri AuthUrl = new("http://auth.example.test/token?existing=1");

    private static AblyRest Client(FakeHttpHandler handler, HttpMethod? method = null) =>
        TestClients.Rest(handler, o => o with
        {
            Key = null,
            AuthUrl = AuthUrl,
            AuthMethod = method ?? HttpMethod.Get,
            AuthParams = new Dictionary<string, string> { ["user"] = "u1", ["ttl"] = "999" },
            AuthHeaders = new Dictionary<string, string> { ["X-Session"] = "s1" },
        });

    [Test]
    public async Task RSA8c1a_GetSendsAuthParamsAndTokenParamsInQueryWithHeaders()
    {
        var handler = new FakeHttpHandler(r => r.Host == "auth.example.test" ? FakeHttpHandler.Text(HttpStatusCode.OK, "url-token") : FakeHttpHandler.Json("[]"));
        using var rest = Client(handler);

        var token = await rest.Auth.RequestTokenAsync(new TokenParams { Ttl = TimeSpan.FromSeconds(30), ClientId = "bob" });

        var call = handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(token.Token, Is.EqualTo("url-token"));
            Assert.That(call.Method, Is.EqualTo(HttpMethod.Get));
            Assert.That(call.Query["existing"], Is.EqualTo("1"));
            Assert.That(call.Query["user"], Is.EqualTo("u1"));
            Assert.That(call.Query["ttl"], Is.EqualTo("30000"), "RSA8c2: token params take precedence over authParams");
            Assert.That(call.Query["clientId"], Is.EqualTo("bob"));
            Assert.That(call.Header("X-Session"), Is.EqualTo("s1"));
            Assert.That(call.Header("Authorization"), Is.Null);
        });
    }

    [Test]
    public async Task RSA8c1b_PostSendsAFormBody()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(HttpStatusCode.OK, "jwt.like.token", "application/jwt"));
        using var rest = Client(handler, HttpMethod.Post);

        var token = await rest.Auth.RequestTokenAsync();

        var call = handler.Requests.Single();
        Assert.That(token.Token, Is.EqualTo("jwt.like.token"));
        Assert.That(call.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(call.ContentType, Is.EqualTo("application/x-www-form-urlencoded"));
        Assert.That(call.BodyText, Does.Contain("user=u1"));
    }

    [Test]
    public async Task RSA8c_JsonTokenDetailsReply()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Token("json-token", clientId: "x"));
        using var rest = Client(handler);
        var token = await rest.Auth.RequestTokenAsync();
        Assert.That(token.Token, Is.EqualTo("json-token"));
        Assert.That(token.ClientId, Is.EqualTo("x"));
        Assert.That(token.Expires, Is.Not.Null);
    }

    [Test]
    public async Task RSA8c_JsonTokenRequestReplyIsExchanged()
    {
        using var signer = TestClients.Rest(new FakeHttpHandler(_ => throw new AssertionException("no HTTP")));
        var signed = await signer.Auth.CreateTokenRequestAsync();
        var body = new JObject
        {
            ["keyName"] = signed.KeyName,
            ["timestamp"] = signed.Timestamp.ToUnixTimeMilliseconds(),
            ["nonce"] = signed.Nonce,
            ["mac"] = signed.Mac,
        }.ToString();
        var handler = new FakeHttpHandler(r => r.Host == "auth.example.test" ? FakeHttpHandler.Json(body) : FakeHttpHandler.Token("exchanged"));
        using var rest = Client(handler);

        var token = await rest.Auth.RequestTokenAsync();

        Assert.That(token.Token, Is.EqualTo("exchanged"));
        Assert.That(handler.Requests[1].Path, Is.EqualTo("/keys/appId.keyId/requestToken"));
        Assert.That((string?)handler.Requests[1].BodyJson["mac"], Is.EqualTo(signed.Mac));
    }

    [TestCase(HttpStatusCode.OK, "text/html", "<html/>")]
    [TestCase(HttpStatusCode.OK, "text/plain", "   ")]
    [TestCase(HttpStatusCode.OK, "application/json", "{\"nothing\":1}")]
    [TestCase(HttpStatusCode.OK, "application/json", "{not json")]
    [TestCase(HttpStatusCode.InternalServerError, "text/plain", "oops")]
    [TestCase(HttpStatusCode.Forbidden, "application/json", "{\"error\":{\"code\":40300,\"statusCode\":403,\"message\":\"no\"}}")]
    public void RSA4e_BadAuthUrlRepliesFailWith40170(HttpStatusCode status, string mediaType, string body)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(status, body, mediaType));
        using var rest = Client(handler);
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.AuthCallbackError));
        Assert.That(ex.StatusCode, Is.EqualTo(401), "RSA4e: 40170 with statusCode 401");
    }

    [Test]
    public void RSA4e_UnreachableAuthUrlFailsWith40170()
    {
        var handler = new FakeHttpHandler(_ => throw new HttpRequestException("refused"));
        using var rest = Client(handler);
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Auth.RequestTokenAsync());
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.AuthCallbackError));
        Assert.That(ex.StatusCode, Is.EqualTo(401), "RSA4e: 40170 with statusCode 401");
    }
}
