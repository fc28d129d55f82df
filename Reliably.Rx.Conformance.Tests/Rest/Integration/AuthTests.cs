using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/auth.md (RSA4, RSA8, RSC10) against the emulator. <c>generate_jwt</c> signs locally
/// (<see cref="Jwt"/>); a JWT with a capability comes from the emulator's copy of Ably's echo service (<c>/echo/createJWT</c>),
/// as SDK test suites get one.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/auth.md")]
public sealed class AuthTests : RestSandbox
{
    /// <summary>The specs' <c>client.request("GET", "/channels/" + channel_name)</c>: a channel status request, authenticated.</summary>
    private static Task<HttpPaginatedResponse> ChannelStatus(AblyRest client, string prefix) =>
        Await(client.RequestAsync(HttpMethod.Get, "/channels/" + UniqueChannel(prefix)));

    /// <summary>Token-only options: no key, <paramref name="configure"/> gives the token or the callback.</summary>
    private AblyRest TokenClient(Func<ClientOptions, ClientOptions> configure) => Rest(o => configure(o with { Key = null }));

    // UTS: rest/integration/RSA4/basic-auth-key-0
    [Test]
    public async Task RSA4_BasicAuthWithApiKey()
    {
        var result = await ChannelStatus(Rest(), "test-RSA4-basic");

        Assert.That(result.StatusCode, Is.InRange(200, 299));
    }

    // UTS: rest/integration/RSA8/token-auth-jwt-0
    [Test]
    public async Task RSA8_TokenAuthWithJwt()
    {
        var jwt = Jwt.Generate(ApiKey, TimeSpan.FromMilliseconds(3600000));

        var result = await ChannelStatus(TokenClient(o => o with { Token = jwt }), "test-RSA8-jwt");

        Assert.That(result.StatusCode, Is.InRange(200, 299));
    }

    // UTS: rest/integration/RSA8/token-auth-native-1
    [Test]
    public async Task RSA8_TokenAuthWithNativeToken()
    {
        var tokenDetails = await Await(Rest().Auth.RequestTokenAsync());

        var result = await ChannelStatus(TokenClient(o => o with { Token = tokenDetails.Token }), "test-RSA8-native");

        Assert.That(tokenDetails.Token, Is.Not.Empty);
        Assert.That(tokenDetails.Expires, Is.GreaterThan(DateTimeOffset.UtcNow));
        Assert.That(result.StatusCode, Is.InRange(200, 299));
    }

    // UTS: rest/integration/RSA8/auth-callback-token-request-2
    [Test]
    public async Task RSA8_AuthCallbackWithTokenRequest()
    {
        var tokenRequestClient = Rest();
        var client = TokenClient(o => o with
        {
            AuthCallback = async (tokenParams, cancellationToken) => await tokenRequestClient.Auth.CreateTokenRequestAsync(tokenParams, cancellationToken: cancellationToken),
        });

        var result = await ChannelStatus(client, "test-RSA8-callback");

        Assert.That(result.StatusCode, Is.InRange(200, 299));
    }

    // UTS: rest/integration/RSA8/auth-callback-jwt-3
    [Test]
    public async Task RSA8_AuthCallbackWithJwt()
    {
        var client = TokenClient(o => o with
        {
            AuthCallback = (tokenParams, _) => Task.FromResult<object>(Jwt.Generate(ApiKey, tokenParams.Ttl ?? TimeSpan.FromMilliseconds(3600000), tokenParams.ClientId)),
        });

        var result = await ChannelStatus(client, "test-RSA8-jwt-callback");

        Assert.That(result.StatusCode, Is.InRange(200, 299));
    }

    // UTS: rest/integration/RSA4/invalid-credentials-rejected-1
    [Test]
    [Divergence("Reliably.Rx.Emulator answered an unknown key name in a known app with 40101; Ably answers 40400 with status 401 (key not found), and the emulator now does.")]
    public async Task RSA4_InvalidCredentialsRejected()
    {
        var client = Rest(o => o with { Key = App.AppId + ".invalidKey:invalidSecret" });

        var result = await ChannelStatus(client, "test-RSA4-invalid");

        Assert.That(result.StatusCode, Is.EqualTo(401));
        Assert.That(result.ErrorCode, Is.EqualTo(40400));
    }

    // UTS: rest/integration/RSC10/token-renewal-expired-jwt-0
    [Test]
    public async Task RSC10_TokenRenewalWithExpiredJwt()
    {
        var calls = new Counter();
        var client = TokenClient(o => o with
        {
            // The first JWT expired 5 s ago; the next ones are valid for an hour.
            AuthCallback = Jwt.Callback(ApiKey, calls: calls, ttlForCall: call => call == 1 ? TimeSpan.FromSeconds(-5) : TimeSpan.FromMilliseconds(3600000)),
        });

        var result = await ChannelStatus(client, "test-RSC10-renewal");

        Assert.That(result.StatusCode, Is.InRange(200, 299));
        Assert.That(calls.Value, Is.EqualTo(2));
    }

    // UTS: rest/integration/RSA8/capability-restriction-4
    [Test]
    public async Task RSA8_CapabilityRestriction()
    {
        var allowed = UniqueChannel("test-RSA8-cap-allowed");
        var denied = UniqueChannel("test-RSA8-cap-denied");
        var colon = ApiKey.IndexOf(':', StringComparison.Ordinal);
        var query = new Dictionary<string, string>
        {
            ["keyName"] = ApiKey[..colon],
            ["keySecret"] = ApiKey[(colon + 1)..],
            ["capability"] = "{\"" + allowed + "\":[\"publish\",\"subscribe\"]}",
            ["expiresIn"] = "3600",
        };
        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        var jwt = await (await http.GetAsync("/echo/createJWT?" + string.Join("&", query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))))).Content.ReadAsStringAsync();
        var client = TokenClient(o => o with { Token = jwt });

        await Await(client.Channels.Get(allowed).PublishAsync("test", "hello"));
        var error = await AwaitFailure(client.Channels.Get(denied).PublishAsync("test", "hello"));

        Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(error.StatusCode, Is.EqualTo(401));
    }
}
