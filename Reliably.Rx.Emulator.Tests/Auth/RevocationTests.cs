using System.Net;
using System.Net.Http.Headers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Auth;

public sealed class RevocationTests : EmulatorTestBase
{
    [Test]
    public async Task RevokeByClientId_DisconnectsWith40141_AndRestRejects()
    {
        var app = Emulator.CreateAppFromSetup("{\"keys\":[{\"revocableTokens\":true},{}]}");
        var key = app.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, key.KeyString);
        var token = (await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject { ["clientId"] = "victim" })))).Value<string>("token")!;
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + token);
        await client.ReceiveActionAsync(Frames.Connected);

        var response = await http.PostAsync($"/keys/{key.KeyName}/revokeTokens", Http.Json(new JObject { ["targets"] = new JArray("clientId:victim", "channel:x") }));
        var result = await Http.ReadAsync(response);
        Assert.That(result.Value<int>("successCount"), Is.EqualTo(1));
        Assert.That(result.Value<int>("failureCount"), Is.EqualTo(1));
        var disconnected = await client.ReceiveActionAsync(Frames.Disconnected);
        Assert.That(disconnected["error"]!.Value<int>("code"), Is.EqualTo(40141));

        using var bearer = Http.Client(Emulator.BaseUri);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.That((await Http.ReadAsync(await bearer.GetAsync("/channels/x/messages")))["error"]!.Value<int>("code"), Is.EqualTo(40141));

        // Keys without revocableTokens refuse; token auth refuses (40162).
        using var other = Http.Client(Emulator.BaseUri, app.Keys[1].KeyString);
        var refused = await other.PostAsync($"/keys/{app.Keys[1].KeyName}/revokeTokens", Http.Json(new JObject { ["targets"] = new JArray("clientId:x") }));
        Assert.That((await Http.ReadAsync(refused))["error"]!.Value<int>("code"), Is.EqualTo(40163));
    }

    [Test]
    public async Task RSA17_RevocationKey_RevokesJwtsCarryingTheClaim_EvenFirstPresentedAfterTheRevocation()
    {
        var app = Emulator.CreateAppFromSetup("{\"keys\":[{\"revocableTokens\":true}]}");
        var key = app.Keys[0];
        string Jwt(string revocationKey, int minutes) => TestJwt.Sign(key, new JObject
        {
            ["iat"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeSeconds(),
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(minutes).ToUnixTimeSeconds(),
            ["x-ably-revocation-key"] = revocationKey,
        });
        var connectedJwt = Jwt("group-1", 10);
        var unseenJwt = Jwt("group-1", 20);
        var otherGroup = Jwt("group-2", 10);
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + connectedJwt);
        await client.ReceiveActionAsync(Frames.Connected);

        using var http = Http.Client(Emulator.BaseUri, key.KeyString);
        var result = await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/revokeTokens", Http.Json(new JObject { ["targets"] = new JArray("revocationKey:group-1") })));
        Assert.That(result.Value<int>("successCount"), Is.EqualTo(1));
        Assert.That((await client.ReceiveActionAsync(Frames.Disconnected))["error"]!.Value<int>("code"), Is.EqualTo(40141));

        // A JWT of the group that the server had never seen is refused as well: revocation is a rule, not a mark.
        await using var late = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + unseenJwt);
        Assert.That((await late.ReceiveActionAsync(Frames.Error))["error"]!.Value<int>("code"), Is.EqualTo(40141));
        await using var other = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + otherGroup);
        await other.ReceiveActionAsync(Frames.Connected);
    }

    [Test]
    public async Task RSA17_InvalidRequests_AreRefusedWhole_AndInvalidTargetsFailAlone()
    {
        var app = Emulator.CreateAppFromSetup("{\"keys\":[{\"revocableTokens\":true}]}");
        var key = app.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, key.KeyString);
        async Task<JToken> Revoke(JObject body) => await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/revokeTokens", Http.Json(body)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.That((await Revoke(new JObject { ["targets"] = new JArray() }))["error"]!.Value<int>("code"), Is.EqualTo(40000));
        Assert.That((await Revoke(new JObject { ["targets"] = new JArray("clientId:a"), ["issuedBefore"] = now + 60_000 }))["error"]!.Value<int>("code"), Is.EqualTo(40003));
        Assert.That((await Revoke(new JObject { ["targets"] = new JArray("clientId:a"), ["issuedBefore"] = now - 3_700_000 }))["error"]!.Value<int>("code"), Is.EqualTo(40003));

        var mixed = await Revoke(new JObject { ["targets"] = new JArray("clientId:a", "clientId:", "nocolon", "channel:x", 7) });
        Assert.That((mixed.Value<int>("successCount"), mixed.Value<int>("failureCount")), Is.EqualTo((1, 4)));
        Assert.That(mixed["results"]!.Select(r => r.Value<string>("target")), Is.EqualTo(new[] { "clientId:a", "clientId:", "nocolon", "channel:x", "7" }));
        Assert.That(mixed["results"]!.Skip(1).Select(r => r["error"]!.Value<int>("statusCode")), Is.All.EqualTo(400));
    }

    [Test]
    public async Task InBandAuth_WithNarrowerCapability_FailsChannelsNoLongerPermitted()
    {
        var key = Emulator.DefaultApp.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        async Task<string> Token(string capability) =>
            (await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject { ["capability"] = capability })))).Value<string>("token")!;

        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + await Token("{\"*\":[\"*\"]}"));
        await client.ReceiveActionAsync(Frames.Connected);
        foreach (var ch in new[] { "keep", "lose" })
        {
            await client.SendAsync(Frames.AttachFrame(ch));
            await client.ReceiveActionAsync(Frames.Attached, ch);
        }

        await client.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = await Token("{\"keep\":[\"*\"]}") } });
        await client.ReceiveActionAsync(Frames.Connected);
        var error = await client.ReceiveActionAsync(Frames.Error, "lose");
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40160));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Error, "keep")), Is.False);
    }
}
