using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Auth;

/// <summary>uts/rest/unit/auth/authorize.md (RSA10): <c>Auth#authorize()</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/auth/authorize.md")]
public sealed class AuthorizeTests
{
    private const string ChannelJson = """{"channelId":"test"}""";

    private static bool IsRequestToken(ScriptedHttpRequest req) =>
        req.Path.StartsWith("/keys/", StringComparison.Ordinal) && req.Path.EndsWith("/requestToken", StringComparison.Ordinal);

    // UTS: rest/unit/RSA10a/authorize-default-params-0
    [Test]
    public void RSA10a_AuthorizeWithDefaultTokenParams()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req => req.RespondWith(200, IsRequestToken(req)
            ? mock.TokenJson("obtained-token", keyName: "appId.keyId")
            : """{"channelId":"test","status":{"isActive":true}}"""));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        var tokenDetails = mock.Await(client.Auth.AuthorizeAsync());

        Assert.That(tokenDetails, Is.InstanceOf<TokenDetails>());
        Assert.That(tokenDetails.Token, Is.EqualTo("obtained-token"));
        mock.Await(client.Channels.Get("test").StatusAsync());
        Assert.That(mock.Requests[^1].Header("Authorization"), Is.EqualTo("Bearer obtained-token"));
    }

    // UTS: rest/unit/RSA10b/authorize-explicit-params-0
    [Test]
    public void RSA10b_AuthorizeWithExplicitTokenParams()
    {
        var callbackParams = new List<TokenParams>();
        var mock = new MockHttp(req => req.RespondWith(200, ChannelJson));
        using var client = mock.Rest(o => o with
        {
            Key = null,
            ClientId = "default-client",
            AuthCallback = MockHttp.Callback(p =>
            {
                callbackParams.Add(p);
                return mock.Token("callback-token");
            }),
        });

        mock.Await(client.Auth.AuthorizeAsync(new TokenParams { ClientId = "override-client", Ttl = TimeSpan.FromMilliseconds(7_200_000) }));

        Assert.That(callbackParams[0].ClientId, Is.EqualTo("override-client"));
        Assert.That(callbackParams[0].Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(7_200_000)));
    }

    // UTS: rest/unit/RSA10e/authorize-saves-params-0
    [Test]
    public void RSA10e_AuthorizeSavesTokenParamsForReuse()
    {
        var invocations = new List<TokenParams>();
        var mock = new MockHttp(req => req.RespondWith(200, "[]"));
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(p =>
            {
                invocations.Add(p);
                return mock.Token("token-" + invocations.Count);
            }),
        });

        mock.Await(client.Auth.AuthorizeAsync(new TokenParams { ClientId = "saved-client", Ttl = TimeSpan.FromMilliseconds(3_600_000) }));
        mock.Await(client.Auth.AuthorizeAsync());

        Assert.That(invocations, Has.Count.EqualTo(2));
        Assert.That(invocations[1].ClientId, Is.EqualTo("saved-client"));
        Assert.That(invocations[1].Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(3_600_000)));
    }

    // UTS: rest/unit/RSA10g/authorize-updates-token-details-0
    [Test]
    public void RSA10g_AuthorizeUpdatesAuthTokenDetails()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req => req.RespondWith(200, mock.TokenJson("new-token", keyName: "appId.keyId", clientId: "token-client")));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        Assert.That(client.Auth.TokenDetails, Is.Null);
        var result = mock.Await(client.Auth.AuthorizeAsync());

        Assert.That(client.Auth.TokenDetails, Is.Not.Null);
        Assert.That(client.Auth.TokenDetails!.Token, Is.EqualTo("new-token"));
        Assert.That(client.Auth.TokenDetails.ClientId, Is.EqualTo("token-client"));
        Assert.That(client.Auth.TokenDetails, Is.SameAs(result));
    }

    // UTS: rest/unit/RSA10h/authorize-replaces-auth-options-0
    [Test]
    public void RSA10h_AuthorizeWithAuthOptionsReplacesDefaults()
    {
        var originalCalled = false;
        var newCalled = false;
        var mock = new MockHttp(req => req.RespondWith(200, ChannelJson));
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ =>
            {
                originalCalled = true;
                return mock.Token("original");
            }),
        });

        mock.Await(client.Auth.AuthorizeAsync(authOptions: new AuthOptions
        {
            AuthCallback = MockHttp.Callback(_ =>
            {
                newCalled = true;
                return mock.Token("new");
            }),
        }));

        Assert.That(originalCalled, Is.False);
        Assert.That(newCalled, Is.True);
    }

    // UTS: rest/unit/RSA10i/authorize-preserves-key-0
    [Test]
    [Ignore("UTS spec error: the case has no assertion (\"exact assertion depends on whether auth.key is exposed\"), and its mock answers the authUrl request with the channel body {\"channelId\":\"test\"}, which is not a token, so the authorize() step cannot succeed; features.md RSA10i is about following RSA8 for TokenParams, authCallback and authUrl, not about keeping the key, and RSA10j makes the AuthOptions given to authorize() supersede the configured ones, key included, so createTokenRequest() without arguments then has no key to sign with.")]
    public void RSA10i_AuthorizePreservesKeyFromConstructor()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req => req.RespondWith(200, IsRequestToken(req) ? mock.TokenJson("token-via-key", keyName: "appId.keyId") : ChannelJson));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Auth.AuthorizeAsync(authOptions: new AuthOptions { AuthUrl = new Uri("https://new-auth.example.com/token") }));

        // The spec leaves the assertion open; the key is not exposed by Auth. Key-based operations still work:
        Assert.That(mock.Await(client.Auth.CreateTokenRequestAsync()).KeyName, Is.EqualTo("appId.keyId"));
    }

    // UTS: rest/unit/RSA10j/authorize-replaces-existing-token-0
    [Test]
    public void RSA10j_AuthorizeWhenAlreadyAuthorizedObtainsNewToken()
    {
        var count = 0;
        var mock = new MockHttp(req => req.RespondWith(200, ChannelJson));
        using var client = mock.Rest(o => o with { Key = null, AuthCallback = MockHttp.Callback(_ => mock.Token("token-" + ++count)) });

        var result1 = mock.Await(client.Auth.AuthorizeAsync());
        var result2 = mock.Await(client.Auth.AuthorizeAsync());

        Assert.That(result1.Token, Is.EqualTo("token-1"));
        Assert.That(result2.Token, Is.EqualTo("token-2"));
        Assert.That(client.Auth.TokenDetails!.Token, Is.EqualTo("token-2"));
    }

    // UTS: rest/unit/RSA10k/authorize-query-time-0
    [Test]
    public void RSA10k_AuthorizeWithQueryTimeQueriesServerTime()
    {
        var mock = new MockHttp(req => req.RespondWith(200, req.Path == "/time"
            ? """{"time":1234567890000}"""
            : """{"token":"time-synced-token","expires":1234571490000}"""));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Auth.AuthorizeAsync(authOptions: new AuthOptions { QueryTime = true }));

        Assert.That(mock.Requests.FirstOrDefault(r => r.Path == "/time"), Is.Not.Null);
    }

    // UTS: rest/unit/RSA10l/authorize-error-propagated-0
    [Test]
    public void RSA10l_AuthorizeErrorPropagated()
    {
        var mock = new MockHttp(req => req.RespondWith(401, MockHttp.Error(40100, 401, "Unauthorized")));
        using var client = mock.Rest(o => o with { Key = "invalid.key:secret" });

        var error = mock.AwaitFailure(client.Auth.AuthorizeAsync());

        Assert.That(error.Code, Is.EqualTo(40100));
        Assert.That(error.StatusCode, Is.EqualTo(401));
    }
}
