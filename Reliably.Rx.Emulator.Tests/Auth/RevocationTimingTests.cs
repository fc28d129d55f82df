using System.Net.Http.Headers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Auth;

/// <summary>When a token revocation applies (RSA17e, RSA17f), on the emulator's injected clock.</summary>
public sealed class RevocationTimingTests : EmulatorTestBase
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private EmulatorKey _key = null!;
    private HttpClient _http = null!;

    protected override EmulatorOptions Options => new() { TimeProvider = _time };

    [SetUp]
    public void CreateRevocableKey()
    {
        _key = Emulator.CreateAppFromSetup("{\"keys\":[{\"revocableTokens\":true}]}").Keys[0];
        _http = Http.Client(Emulator.BaseUri, _key.KeyString);
    }

    [TearDown]
    public void DisposeHttp() => _http.Dispose();

    [Test]
    public async Task RSA17e_IssuedBefore_RevokesOnlyEarlierTokens_AndTokensIssuedAfterTheRevocationWork()
    {
        var old = await Token("pat");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var cut = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var recent = await Token("pat");
        var result = await Revoke(new JObject { ["targets"] = new JArray("clientId:pat"), ["issuedBefore"] = cut });
        Assert.That(result["results"]![0]!.Value<long>("issuedBefore"), Is.EqualTo(cut));
        Assert.That(await RestCode(old), Is.EqualTo(40141));
        Assert.That(await RestCode(recent), Is.Null);

        // The default issuedBefore (now) covers every token issued so far and none issued afterwards, even in the same
        // millisecond: this clock does not move.
        await Revoke(new JObject { ["targets"] = new JArray("clientId:pat") });
        Assert.That(await RestCode(recent), Is.EqualTo(40141));
        Assert.That(await RestCode(await Token("pat")), Is.Null);
    }

    [Test]
    public async Task RSA17f_AllowReauthMargin_AsksForReauthAtOnce_AndDisconnectsOnlyConnectionsStillOnTheRevokedToken()
    {
        await using var renewing = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + await Token("late"));
        await renewing.ReceiveActionAsync(Frames.Connected);
        await using var stale = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + await Token("late"));
        await stale.ReceiveActionAsync(Frames.Connected);

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await Revoke(new JObject { ["targets"] = new JArray("clientId:late"), ["allowReauthMargin"] = true });
        Assert.That(result["results"]![0]!.Value<long>("appliesAt"), Is.EqualTo(now + 30_000));

        // RTN22: both connections are asked to re-authenticate straight away; one does, with a token issued afterwards.
        await renewing.ReceiveActionAsync(Frames.Auth);
        await stale.ReceiveActionAsync(Frames.Auth);
        await renewing.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = await Token("late") } });
        await renewing.ReceiveActionAsync(Frames.Connected);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(stale.Pending().Any(f => f.Is(Frames.Disconnected)), Is.False, "still inside the margin");
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await stale.ReceiveActionAsync(Frames.Disconnected))["error"]!.Value<int>("code"), Is.EqualTo(40141));

        // The re-authenticated connection carries on: it can still attach.
        await renewing.SendAsync(Frames.AttachFrame("still-here"));
        await renewing.ReceiveActionAsync(Frames.Attached, "still-here");
        Assert.That(renewing.Pending().Any(f => f.Is(Frames.Disconnected)), Is.False);
    }

    private async Task<string> Token(string clientId) =>
        (await Http.ReadAsync(await _http.PostAsync($"/keys/{_key.KeyName}/requestToken", Http.Json(new JObject { ["clientId"] = clientId })))).Value<string>("token")!;

    private async Task<JToken> Revoke(JObject body) =>
        await Http.ReadAsync(await _http.PostAsync($"/keys/{_key.KeyName}/revokeTokens", Http.Json(body)));

    private async Task<int?> RestCode(string token)
    {
        using var bearer = Http.Client(Emulator.BaseUri);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await bearer.GetAsync("/channels/x/messages");
        return response.IsSuccessStatusCode ? null : (await Http.ReadAsync(response))["error"]!.Value<int>("code");
    }
}
