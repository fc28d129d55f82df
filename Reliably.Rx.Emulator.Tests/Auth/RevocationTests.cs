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
