using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

/// <summary>The echo service's routes (echo.ably.io), served for SDK test suites that run offline.</summary>
public sealed class EchoTests : EmulatorTestBase
{
    private const string EchoHost = "echo.ably.io";

    [Test]
    public async Task RSA8c_TypeJsonWithBody_AnswersTheBodyAsJson_ByHostOrByPath()
    {
        var body = new JObject { ["token"] = "abc", ["expires"] = 123 }.ToString(Newtonsoft.Json.Formatting.None);
        using var http = Http.Client(Emulator.BaseUri);
        foreach (var request in new[] { ByHost("/?type=json&body=" + Uri.EscapeDataString(body)), new HttpRequestMessage(HttpMethod.Get, "/echo/?type=json&body=" + Uri.EscapeDataString(body)) })
        {
            var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(body));
        }
    }

    [Test]
    public async Task RSA4d_TypeTextAndStatus_AnswerWithThatContentTypeAndStatus()
    {
        using var http = Http.Client(Emulator.BaseUri);
        var text = await http.SendAsync(ByHost("/?type=text&body=plain-token"));
        Assert.That(text.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        Assert.That(await text.Content.ReadAsStringAsync(), Is.EqualTo("plain-token"));

        var forbidden = await http.SendAsync(ByHost("/?status=403&type=json&body=" + Uri.EscapeDataString("{\"error\":{\"some_custom\":\"error\"}}")));
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var respond = await http.SendAsync(ByHost("/respondwith?status=500"));
        Assert.That(respond.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
    }

    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    public async Task RSC19f_MethodsRoute_ReportsTheMethodThatArrived(string method)
    {
        using var http = Http.Client(Emulator.BaseUri);
        var request = ByHost("/methods", new HttpMethod(method));
        request.Content = Http.Json(new JObject());
        var answer = await Http.ReadAsync(await http.SendAsync(request));
        Assert.That(answer.Value<string>("method"), Is.EqualTo(method.ToLowerInvariant()));
    }

    [Test]
    public async Task RSA8c_PostedFormWithoutBody_IsEchoedAsJson_AndQsToBodyEchoesTheQuery()
    {
        using var http = Http.Client(Emulator.BaseUri);
        var post = ByHost("/?type=json&", HttpMethod.Post);
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "t1", ["keyName"] = "a.b" });
        var echoed = await Http.ReadAsync(await http.SendAsync(post));
        Assert.That(echoed, Is.EqualTo(new JObject { ["token"] = "t1", ["keyName"] = "a.b" }).Using<JToken>(JToken.DeepEquals));

        var query = await Http.ReadAsync(await http.SendAsync(ByHost("/qs_to_body?keyName=x.y&nonce=n1")));
        Assert.That(query, Is.EqualTo(new JObject { ["keyName"] = "x.y", ["nonce"] = "n1" }).Using<JToken>(JToken.DeepEquals));
    }

    [Test]
    public async Task RSA8g_CreateJwt_IsAnAblyJwtForTheKey_WithClientIdCapabilityAndExpiry()
    {
        var key = Emulator.DefaultApp.Keys[0];
        using var http = Http.Client(Emulator.BaseUri);
        var response = await http.SendAsync(ByHost($"/createJWT?keyName={key.KeyName}&keySecret={key.Secret}&clientId=jwt-client&returnType=jwt"
            + "&capability=" + Uri.EscapeDataString("{\"jwt:*\":[\"subscribe\"]}") + "&expiresIn=120"));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/jwt"));
        var jwt = await response.Content.ReadAsStringAsync();
        var claims = JObject.Parse(Encoding.UTF8.GetString(Base64Url(jwt.Split('.')[1])));
        Assert.That(claims.Value<long>("exp") - claims.Value<long>("iat"), Is.EqualTo(120));

        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + jwt);
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(connected["connectionDetails"]!.Value<string>("clientId"), Is.EqualTo("jwt-client"));
        await client.SendAsync(Frames.Publish("jwt:x", 0, Frames.Msg("denied")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40160));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RSA4f_ExternalJwtEmbeddingAnAblyToken_AuthenticatesAsThatToken(bool encrypted)
    {
        var key = Emulator.DefaultApp.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, key.KeyString);
        var inner = await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject { ["clientId"] = "inner" })));
        var response = await http.SendAsync(ByHost($"/createJWT?keyName={key.KeyName}&keySecret={key.Secret}&innerToken={inner.Value<string>("token")}"
            + (encrypted ? "&encrypted=1" : string.Empty)));
        var outer = await response.Content.ReadAsStringAsync();
        Assert.That(outer.Split('.'), Has.Length.EqualTo(encrypted ? 5 : 3));

        using var bearer = Http.Client(Emulator.BaseUri);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Convert.ToBase64String(Encoding.UTF8.GetBytes(outer)));
        Assert.That((await bearer.GetAsync("/stats")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + outer);
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(connected["connectionDetails"]!.Value<string>("clientId"), Is.EqualTo("inner"));
    }

    [Test]
    public async Task RSA4f_JwtForAnUnknownApp_Is40400()
    {
        using var http = Http.Client(Emulator.BaseUri);
        var jwt = await (await http.SendAsync(ByHost("/createJWT?keyName=invalid.invalid&keySecret=invalidinvalid"))).Content.ReadAsStringAsync();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        var response = await http.GetAsync("/stats");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40400));
    }

    [Test]
    public async Task EchoHost_RefusesWebSocketUpgrades()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Host", EchoHost);
        var uri = new UriBuilder(Emulator.BaseUri) { Scheme = "ws", Query = "key=" + Uri.EscapeDataString(Emulator.DefaultKey) }.Uri;
        Assert.That(async () => await socket.ConnectAsync(uri, CancellationToken.None), Throws.InstanceOf<WebSocketException>());
    }

    private static HttpRequestMessage ByHost(string pathAndQuery, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, pathAndQuery);
        request.Headers.Host = EchoHost;
        return request;
    }

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }
}
