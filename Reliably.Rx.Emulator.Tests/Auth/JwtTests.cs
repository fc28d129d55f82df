using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Auth;

public sealed class JwtTests : EmulatorTestBase
{
    [Test]
    public async Task ValidJwt_WorksForRealtimeAndRest()
    {
        var jwt = Jwt(Emulator.DefaultApp.Keys[0], "jwt-user", DateTimeOffset.UtcNow.AddMinutes(5), "{\"jwt:*\":[\"*\"]}");
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + jwt);
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(connected["connectionDetails"]!.Value<string>("clientId"), Is.EqualTo("jwt-user"));
        await client.SendAsync(Frames.AttachFrame("other"));
        Assert.That((await client.ReceiveActionAsync(Frames.Error, "other"))["error"]!.Value<int>("code"), Is.EqualTo(40160));

        using var http = Http.Client(Emulator.BaseUri);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Convert.ToBase64String(Encoding.UTF8.GetBytes(jwt)));
        Assert.That((await http.GetAsync("/channels/jwt:x/messages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task BadSignatureAndExpiredJwt_AreTokenErrors()
    {
        var key = Emulator.DefaultApp.Keys[0];
        var forged = Jwt(key with { Secret = "wrong" }, null, DateTimeOffset.UtcNow.AddMinutes(5), null);
        await using var bad = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + forged);
        Assert.That((await bad.ReceiveActionAsync(Frames.Error))["error"]!.Value<int>("code"), Is.EqualTo(40144));

        var expired = Jwt(key, null, DateTimeOffset.UtcNow.AddMinutes(-1), null);
        await using var old = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + expired);
        Assert.That((await old.ReceiveActionAsync(Frames.Error))["error"]!.Value<int>("code"), Is.EqualTo(40142));
    }

    private static string Jwt(EmulatorKey key, string? clientId, DateTimeOffset expires, string? capability)
    {
        var claims = new JObject { ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["exp"] = expires.ToUnixTimeSeconds() };
        if (clientId is not null) claims["x-ably-clientId"] = clientId;
        if (capability is not null) claims["x-ably-capability"] = capability;
        return TestJwt.Sign(key, claims);
    }
}
