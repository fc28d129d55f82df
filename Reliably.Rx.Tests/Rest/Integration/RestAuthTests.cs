using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Rest.Integration;

[TestFixture]
[Category("Integration")]
public sealed class RestAuthTests : EmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task RSA1_WrongSecretIsRejected(string format)
    {
        var keyName = Emulator.DefaultKey[..Emulator.DefaultKey.IndexOf(':')];
        await using var rest = new AblyRest(Options(format, keyName + ":wrong-secret"));

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(401));
        Assert.That(ex.Code, Is.InRange(40100, 40199));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA1_UnknownKeyIsRejected(string format)
    {
        await using var rest = new AblyRest(Options(format, "nosuchapp.nokey:secret"));
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").PublishAsync("n", "d"));
        Assert.That(ex!.StatusCode, Is.AnyOf(401, 404));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA_CapabilityDeniedIs40160(string format)
    {
        var app = Emulator.CreateApp("{\"allowed\":[\"publish\",\"history\"]}");
        await using var rest = new AblyRest(Options(format, app.Keys[0].KeyString));

        await rest.Channels.Get("allowed").PublishAsync("n", "d");
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("forbidden").PublishAsync("n", "d"));

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.OperationNotPermitted));
        Assert.That(ex.StatusCode, Is.EqualTo(401));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA4_TokenAuthWorksOverPlainHttpWithoutSendingTheKey(string format)
    {
        await using var rest = new AblyRest(TokenOptions(format) with { ClientId = "alice" });

        await rest.Channels.Get("tok").PublishAsync("n", "d");
        var message = (await rest.Channels.Get("tok").HistoryAsync()).Items[0];

        Assert.That(rest.Auth.IsBasicAuth, Is.False);
        Assert.That(rest.Auth.TokenDetails!.ClientId, Is.EqualTo("alice"));
        Assert.That(message.ClientId, Is.EqualTo("alice"), "RSA7: messages carry the token's clientId");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA8_RequestTokenAndCreateTokenRequestAgainstTheServer(string format)
    {
        await using var rest = Client(format);

        var token = await rest.Auth.RequestTokenAsync(new TokenParams { Ttl = TimeSpan.FromMinutes(5), Capability = "{\"x\":[\"subscribe\"]}" });
        var request = await rest.Auth.CreateTokenRequestAsync(null, new AuthOptions { Key = Emulator.DefaultKey, QueryTime = true });
        await using var viaRequest = new AblyRest(Options(format) with { Key = null, AllowInsecureBasicAuth = false, AuthCallback = (_, _) => Task.FromResult<object>(request) });
        await viaRequest.Channels.Get("any").HistoryAsync();

        Assert.That(token.Expires! - token.Issued!, Is.EqualTo(TimeSpan.FromMinutes(5)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(token.Capability, Does.Contain("subscribe"));
        Assert.That(viaRequest.Auth.TokenDetails!.KeyName, Is.EqualTo(request.KeyName));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA4b4_ExpiredTokenIsRenewedAndTheRequestRetried(string format)
    {
        var tokenRequests = 0;
        await using var signer = Client(format);
        await using var rest = new AblyRest(TokenOptions(format) with
        {
            Key = null,
            AuthCallback = async (p, ct) =>
            {
                Interlocked.Increment(ref tokenRequests);
                return await signer.Auth.CreateTokenRequestAsync(p, cancellationToken: ct);
            },
        });
        var channel = rest.Channels.Get(UniqueChannel("renew"));
        await channel.PublishAsync("before", "x");
        var first = rest.Auth.TokenDetails!.Token;

        Assert.That(Emulator.Faults.ExpireToken(first), Is.GreaterThanOrEqualTo(0));
        await channel.PublishAsync("after", "y");

        Assert.That(tokenRequests, Is.EqualTo(2));
        Assert.That(rest.Auth.TokenDetails!.Token, Is.Not.EqualTo(first));
        Assert.That((await channel.HistoryAsync()).Items.Select(m => m.Name), Is.EquivalentTo(new[] { "before", "after" }));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA4a2_TokenOnlyClientCannotRenewAndFailsWith40171(string format)
    {
        await using var issuer = Client(format);
        var token = await issuer.Auth.RequestTokenAsync();
        await using var rest = new AblyRest(Options(format) with { Key = null, AllowInsecureBasicAuth = false, Token = token.Token });
        await rest.Channels.Get("c").HistoryAsync();

        Emulator.Faults.ExpireToken(token.Token);
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.NoMeansToRenewToken));
        Assert.That(ex.ErrorInfo.Cause?.Code, Is.EqualTo(ErrorCodes.TokenExpired));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA4b_TwentyConcurrentCallsWithAnExpiredTokenCauseOneTokenRequest(string format)
    {
        var tokenRequests = 0;
        await using var signer = Client(format);
        await using var rest = new AblyRest(TokenOptions(format) with
        {
            Key = null,
            AuthCallback = async (p, ct) =>
            {
                Interlocked.Increment(ref tokenRequests);
                return await signer.Auth.CreateTokenRequestAsync(p, cancellationToken: ct);
            },
        });
        var channel = rest.Channels.Get(UniqueChannel("herd"));
        await channel.HistoryAsync();
        Emulator.Faults.ExpireToken(rest.Auth.TokenDetails!.Token);

        var calls = Enumerable.Range(0, 20).Select(i => channel.PublishAsync("m" + i, "x")).ToArray();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(tokenRequests, Is.EqualTo(2), "the first token, then exactly one renewal for all 20 rejected calls");
        Assert.That((await channel.HistoryAsync()).Items, Has.Count.EqualTo(20));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA10_AuthorizeMovesABasicClientToTokens(string format)
    {
        await using var rest = Client(format);
        var token = await rest.Auth.AuthorizeAsync(new TokenParams { ClientId = "bob" });
        await rest.Channels.Get("authz").PublishAsync("n", "d");

        Assert.That(rest.Auth.IsBasicAuth, Is.False);
        Assert.That(token.ClientId, Is.EqualTo("bob"));
        Assert.That((await rest.Channels.Get("authz").HistoryAsync()).Items[0].ClientId, Is.EqualTo("bob"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSA7e2_BasicAuthClientIdIsSentAndApplied(string format)
    {
        await using var rest = Client(format, o => o with { ClientId = "carol" });
        var name = UniqueChannel("cid");
        await rest.Channels.Get(name).PublishAsync("n", "d");
        Assert.That((await rest.Channels.Get(name).HistoryAsync()).Items[0].ClientId, Is.EqualTo("carol"));
    }

    [Test]
    public void RSC18_BasicAuthOverPlainHttpIsRefusedLocally()
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(Options("json") with { AllowInsecureBasicAuth = false }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InsecureBasicAuth));
    }
}
