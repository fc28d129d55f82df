using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Auth;

/// <summary>uts/rest/unit/auth/token_details.md (RSA16): <c>Auth#tokenDetails</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/auth/token_details.md")]
public sealed class TokenDetailsTests
{
    private const string StatusJson = """{"channelId":"test","status":{"isActive":true}}""";

    private static MockHttp AnsweringStatus() => new(req => req.RespondWith(200, StatusJson));

    // UTS: rest/unit/RSA16a/token-from-callback-0
    [Test]
    public void RSA16a_TokenDetailsReflectsTokenFromAuthCallback()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ => mock.Token("callback-token-abc", clientId: "my-client") with { Issued = mock.Now }),
        });

        mock.Await(client.Channels.Get("test").StatusAsync());

        var details = client.Auth.TokenDetails;
        Assert.That(details, Is.Not.Null);
        Assert.That(details!.Token, Is.EqualTo("callback-token-abc"));
        Assert.That(details.ClientId, Is.EqualTo("my-client"));
        Assert.That(details.Expires, Is.Not.Null);
        Assert.That(details.Issued, Is.Not.Null);
    }

    // UTS: rest/unit/RSA16a/token-from-request-token-1
    [Test]
    public void RSA16a_TokenDetailsReflectsTokenFromRequestToken()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req =>
        {
            if (req.Path.StartsWith("/keys/", StringComparison.Ordinal) && req.Path.EndsWith("/requestToken", StringComparison.Ordinal))
            {
                req.RespondWith(200, $$"""{"token":"requested-token-xyz","expires":{{mock.NowMs(3_600_000)}},"issued":{{mock.NowMs()}},"keyName":"appId.keyId","clientId":"token-client"}""");
            }
            else
            {
                req.RespondWith(200, StatusJson);
            }
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Auth.AuthorizeAsync());

        Assert.That(client.Auth.TokenDetails, Is.Not.Null);
        Assert.That(client.Auth.TokenDetails!.Token, Is.EqualTo("requested-token-xyz"));
        Assert.That(client.Auth.TokenDetails.ClientId, Is.EqualTo("token-client"));
    }

    // UTS: rest/unit/RSA16b/token-string-in-options-0
    [Test]
    public void RSA16b_TokenDetailsCreatedFromTokenStringInClientOptions()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, Token = "standalone-token-string" });

        var details = client.Auth.TokenDetails;

        Assert.That(details, Is.Not.Null);
        Assert.That(details!.Token, Is.EqualTo("standalone-token-string"));
        Assert.That(details.Expires, Is.Null);
        Assert.That(details.Issued, Is.Null);
        Assert.That(details.ClientId, Is.Null);
        Assert.That(details.Capability, Is.Null);
    }

    // UTS: rest/unit/RSA16b/token-string-from-callback-1
    [Test]
    public void RSA16b_TokenDetailsCreatedFromTokenStringFromAuthCallback()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, AuthCallback = MockHttp.Callback(_ => "just-a-token-string") });

        mock.Await(client.Channels.Get("test").StatusAsync());

        Assert.That(client.Auth.TokenDetails, Is.Not.Null);
        Assert.That(client.Auth.TokenDetails!.Token, Is.EqualTo("just-a-token-string"));
        Assert.That(client.Auth.TokenDetails.Expires, Is.Null);
        Assert.That(client.Auth.TokenDetails.Issued, Is.Null);
    }

    // UTS: rest/unit/RSA16c/set-on-instantiation-0
    [Test]
    public void RSA16c_TokenDetailsSetOnInstantiation()
    {
        var mock = new MockHttp();
        var initial = mock.Token("initial-token", clientId: "initial-client") with { Issued = mock.Now };
        using var client = mock.Rest(o => o with { Key = null, TokenDetails = initial });

        var details = client.Auth.TokenDetails;

        Assert.That(details, Is.Not.Null);
        Assert.That(details!.Token, Is.EqualTo("initial-token"));
        Assert.That(details.ClientId, Is.EqualTo("initial-client"));
    }

    // UTS: rest/unit/RSA16c/updated-after-authorize-1
    [Test]
    public void RSA16c_TokenDetailsUpdatedAfterExplicitAuthorize()
    {
        var count = 0;
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ =>
            {
                count++;
                return mock.Token("token-v" + count, clientId: "client-v" + count);
            }),
        });

        mock.Await(client.Auth.AuthorizeAsync());
        var first = client.Auth.TokenDetails!;
        mock.Await(client.Auth.AuthorizeAsync());
        var second = client.Auth.TokenDetails!;

        Assert.That(first.Token, Is.EqualTo("token-v1"));
        Assert.That(first.ClientId, Is.EqualTo("client-v1"));
        Assert.That(second.Token, Is.EqualTo("token-v2"));
        Assert.That(second.ClientId, Is.EqualTo("client-v2"));
        Assert.That(first.Token, Is.Not.EqualTo(second.Token));
    }

    // UTS: rest/unit/RSA16c/updated-after-expiry-renewal-2
    [Test]
    public void RSA16c_TokenDetailsUpdatedAfterRenewalOnExpiry()
    {
        var count = 0;
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ =>
            {
                count++;
                return mock.Token("token-v" + count, ttlMs: 1000, clientId: "client-v" + count);
            }),
        });

        mock.Await(client.Channels.Get("test").StatusAsync());
        var first = client.Auth.TokenDetails!;
        mock.Scheduler.AdvanceTime(2000);
        mock.Await(client.Channels.Get("test").StatusAsync());
        var second = client.Auth.TokenDetails!;

        Assert.That(first.Token, Is.EqualTo("token-v1"));
        Assert.That(second.Token, Is.EqualTo("token-v2"));
    }

    // UTS: rest/unit/RSA16c/updated-after-40142-renewal-3
    [Test]
    public void RSA16c_TokenDetailsUpdatedAfterRenewalOn40142()
    {
        var requests = 0;
        var mock = new MockHttp(req =>
        {
            if (++requests == 1)
            {
                req.RespondWith(401, MockHttp.Error(40142, 401, "Token expired"));
            }
            else
            {
                req.RespondWith(200, StatusJson);
            }
        });
        var count = 0;
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ =>
            {
                count++;
                return mock.Token("token-v" + count, clientId: "client-v" + count);
            }),
        });

        mock.Await(client.Auth.AuthorizeAsync());
        var first = client.Auth.TokenDetails!;
        mock.Await(client.Channels.Get("test").StatusAsync());
        var second = client.Auth.TokenDetails!;

        Assert.That(first.Token, Is.EqualTo("token-v1"));
        Assert.That(second.Token, Is.EqualTo("token-v2"));
    }

    // UTS: rest/unit/RSA16d/null-with-basic-auth-0
    [Test]
    public void RSA16d_TokenDetailsNullWithBasicAuth()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.Channels.Get("test").StatusAsync());

        Assert.That(client.Auth.TokenDetails, Is.Null);
    }

    // UTS: rest/unit/RSA16d/null-before-token-obtained-1
    [Test]
    public void RSA16d_TokenDetailsNullBeforeAnyTokenIsObtained()
    {
        var mock = new MockHttp();
        using var client = mock.Rest(o => o with { Key = null, AuthCallback = MockHttp.Callback(_ => mock.Token("my-token")) });

        Assert.That(client.Auth.TokenDetails, Is.Null);
    }

    // UTS: rest/unit/RSA16d/null-after-invalidation-2
    [Test]
    [Divergence("After the server rejected the token (40142) and its renewal failed, Auth.TokenDetails still held the rejected token; a failed renewal now drops the token it was to replace, so TokenDetails is null until a new token is obtained.")]
    public void RSA16d_TokenDetailsNullAfterTokenInvalidation()
    {
        var callbacks = 0;
        var mock = new MockHttp(req => req.RespondWith(401, MockHttp.Error(40142, 401, "Token expired")));
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ => ++callbacks == 1
                ? mock.Token("first-token")
                : throw new AblyException(40170, 401, "Cannot obtain new token")),
        });

        mock.Await(client.Auth.AuthorizeAsync());
        Assert.That(client.Auth.TokenDetails, Is.Not.Null);
        Assert.That(client.Auth.TokenDetails!.Token, Is.EqualTo("first-token"));
        mock.AwaitFailure(client.Channels.Get("test").StatusAsync());

        Assert.That(client.Auth.TokenDetails, Is.Null);
    }

    // UTS: rest/unit/RSA16d/null-after-switch-to-basic-3
    [Test]
    [Ignore("UTS spec error: the case expects authorize(authOptions: AuthOptions(key, useTokenAuth: false)) to switch the client to Basic auth, but features.md RSA10a says authorize() \"ensures Token Auth is used for all future requests\", so tokenDetails holds the new token afterwards.")]
    public void RSA16d_TokenDetailsNullAfterSwitchingFromTokenToBasicAuth()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, AuthCallback = MockHttp.Callback(_ => mock.Token("my-token")) });

        mock.Await(client.Auth.AuthorizeAsync());
        Assert.That(client.Auth.TokenDetails, Is.Not.Null);
        mock.Await(client.Auth.AuthorizeAsync(authOptions: new AuthOptions { Key = "appId.keyId:keySecret" }));

        Assert.That(client.Auth.TokenDetails, Is.Null);
    }

    // UTS: rest/unit/RSA16a/preserved-across-requests-0
    [Test]
    public void RSA16a_TokenDetailsPreservedAcrossSuccessfulRequests()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ => mock.Token("stable-token", clientId: "stable-client")),
        });

        var checks = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mock.Await(client.Channels.Get("test").StatusAsync());
            checks.Add(client.Auth.TokenDetails!.Token);
        }

        Assert.That(checks, Is.EqualTo(new[] { "stable-token", "stable-token", "stable-token" }));
    }

    // UTS: rest/unit/RSA16a/reflects-capability-1
    [Test]
    public void RSA16a_TokenDetailsReflectsCapability()
    {
        const string capability = """{"channel1":["publish","subscribe"],"channel2":["subscribe"]}""";
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ => mock.Token("capable-token") with { Capability = capability }),
        });

        mock.Await(client.Channels.Get("test").StatusAsync());

        Assert.That(client.Auth.TokenDetails, Is.Not.Null);
        Assert.That(client.Auth.TokenDetails!.Capability, Is.EqualTo(capability));
    }
}
