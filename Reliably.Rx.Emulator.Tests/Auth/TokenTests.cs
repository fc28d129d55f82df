using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Auth;

public sealed class TokenTests : EmulatorTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task SignedTokenRequest_GoodMac_IssuesUsableToken()
    {
        var token = await RequestTokenAsync(clientId: "tok", ttl: 60000);
        Assert.That(token.Value<string>("token"), Does.Not.Contain(":"));
        Assert.That(token.Value<string>("clientId"), Is.EqualTo("tok"));
        Assert.That(token.Value<long>("expires") - token.Value<long>("issued"), Is.EqualTo(60000));
        Assert.That(token.Value<string>("capability"), Is.EqualTo("{\"*\":[\"*\"]}"));

        using var http = Http.Client(Emulator.BaseUri);
        foreach (var bearer in new[] { token.Value<string>("token")!, Convert.ToBase64String(Encoding.UTF8.GetBytes(token.Value<string>("token")!)) })
        {
            var request = Http.Get("/channels/x/messages");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "raw and base64 Bearer tokens are both accepted");
        }
    }

    [Test]
    public async Task SignedTokenRequest_BadMac_Rejected40101()
    {
        var body = SignedRequest(Emulator.DefaultApp.Keys[0], clientId: null, ttl: null, capability: null);
        body["mac"] = Convert.ToBase64String(new byte[32]);
        using var http = Http.Client(Emulator.BaseUri);
        var response = await http.PostAsync($"/keys/{Emulator.DefaultApp.Keys[0].KeyName}/requestToken", Http.Json(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var error = await Http.ReadAsync(response);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40101));
    }

    [Test]
    public async Task SignedTokenRequest_ReplayedNonce_Rejected40105_AndCapabilityIntersected()
    {
        var key = Emulator.DefaultApp.Keys[0];
        var body = SignedRequest(key, clientId: null, ttl: null, capability: "{\"a\":[\"publish\"]}");
        using var http = Http.Client(Emulator.BaseUri);
        var first = await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(body));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Http.ReadAsync(first)).Value<string>("capability"), Is.EqualTo("{\"a\":[\"publish\"]}"));
        var second = await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(body));
        Assert.That((await Http.ReadAsync(second))["error"]!.Value<int>("code"), Is.EqualTo(40105));
    }

    [Test]
    public async Task TokenParams_WithBasicAuth_IssueToken()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var response = await http.PostAsync($"/keys/{Emulator.DefaultApp.Keys[0].KeyName}/requestToken", Http.Json(new JObject { ["clientId"] = "p" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Http.ReadAsync(response)).Value<string>("clientId"), Is.EqualTo("p"));
    }

    [TestCase("access_token")]
    [TestCase("accessToken")]
    public async Task Realtime_TokenAuth_BothParamNames(string param)
    {
        var token = await RequestTokenAsync(clientId: "rt");
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, param + "=" + Uri.EscapeDataString(token.Value<string>("token")!));
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(connected["connectionDetails"]!.Value<string>("clientId"), Is.EqualTo("rt"));
    }

    [Test]
    public async Task Realtime_TokenClientIdMismatch_Gets40102()
    {
        var token = await RequestTokenAsync(clientId: "rt");
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + Uri.EscapeDataString(token.Value<string>("token")!) + "&clientId=other");
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40102));
        Assert.That(error["error"]!.Value<int>("statusCode"), Is.EqualTo(401));
    }

    [Test]
    public async Task Realtime_UnknownToken_Gets4014x()
    {
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=nosuchtoken");
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.InRange(40140, 40149));
    }

    [Test]
    public async Task ExpireToken_DisconnectsWith40142_AndRestRejects()
    {
        var token = (await RequestTokenAsync()).Value<string>("token")!;
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + token);
        await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(Emulator.Faults.ExpireToken(token), Is.EqualTo(1));
        var disconnected = await client.ReceiveActionAsync(Frames.Disconnected);
        Assert.That(disconnected["error"]!.Value<int>("code"), Is.EqualTo(40142));
        await client.WaitClosedAsync();

        using var http = Http.Client(Emulator.BaseUri);
        var request = Http.Get("/channels/x/messages");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40142));
    }

    [Test]
    public async Task ShortTtlToken_ExpiresByItself()
    {
        // On the real clock, so the connection may come after the 500 ms are up on a loaded machine: then the server refuses
        // the expired token at once (ERROR or DISCONNECTED 40142) instead of disconnecting a CONNECTED client. Either way
        // the token expired by itself; the outcome must not depend on how fast this machine connects.
        var token = (await RequestTokenAsync(ttl: 500)).Value<string>("token")!;
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + token);
        var first = await client.ReceiveUntilAsync(f => f.Is(Frames.Connected) || f.Is(Frames.Disconnected) || f.Is(Frames.Error), Wait);
        var expired = first.Is(Frames.Connected) ? await client.ReceiveActionAsync(Frames.Disconnected, timeout: Wait) : first;
        Assert.That(expired["error"]!.Value<int>("code"), Is.EqualTo(40142), expired.ToString());
    }

    [Test]
    public async Task InBandAuth_SameConnection_AndIncompatibleClientIdFails()
    {
        var first = (await RequestTokenAsync(clientId: "same")).Value<string>("token")!;
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + first);
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        var id = connected.Value<string>("connectionId")!;

        Assert.That(Emulator.Faults.RequestReauth(id), Is.True);
        await client.ReceiveActionAsync(Frames.Auth);
        var renewed = (await RequestTokenAsync(clientId: "same")).Value<string>("token")!;
        await client.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = renewed } });
        var again = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(again.Value<string>("connectionId"), Is.EqualTo(id));

        var other = (await RequestTokenAsync(clientId: "different")).Value<string>("token")!;
        await client.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = other } });
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40012));
        await client.WaitClosedAsync();
    }

    private async Task<JObject> RequestTokenAsync(string? clientId = null, long? ttl = null)
    {
        var key = Emulator.DefaultApp.Keys[0];
        using var http = Http.Client(Emulator.BaseUri);
        var response = await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(SignedRequest(key, clientId, ttl, null)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (JObject)await Http.ReadAsync(response);
    }

    /// <summary>An independent RSA9 signer: HMAC-SHA256 over six newline-terminated fields.</summary>
    private static JObject SignedRequest(EmulatorKey key, string? clientId, long? ttl, string? capability)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var nonce = Guid.NewGuid().ToString("N");
        var text = $"{key.KeyName}\n{ttl}\n{capability}\n{clientId}\n{timestamp}\n{nonce}\n";
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key.Secret));
        var body = new JObject
        {
            ["keyName"] = key.KeyName,
            ["timestamp"] = timestamp,
            ["nonce"] = nonce,
            ["mac"] = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(text))),
        };
        if (clientId is not null) body["clientId"] = clientId;
        if (ttl is not null) body["ttl"] = ttl;
        if (capability is not null) body["capability"] = capability;
        return body;
    }
}
