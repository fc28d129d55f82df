using System.Text;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Auth;

/// <summary>uts/rest/unit/auth/auth_scheme.md (RSA1-RSA4, RSA11, RSC1b, RSC18): Basic or token auth, chosen from the options.</summary>
[TestFixture]
[Category("uts/rest/unit/auth/auth_scheme.md")]
public sealed class AuthSchemeTests
{
    private const string ChannelJson = """{"channelId":"test"}""";

    private static MockHttp AnsweringChannel() => new(req => req.RespondWith(200, ChannelJson));

    // UTS: rest/unit/RSA4/basic-auth-key-only-0
    [Test]
    public void RSA4_BasicAuthWithApiKeyOnly()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("appId.keyId:keySecret"));
        Assert.That(mock.Requests[0].Header("Authorization"), Is.EqualTo(expected));
    }

    // UTS: rest/unit/RSA3/token-auth-explicit-token-0
    [Test]
    public void RSA3_TokenAuthWithExplicitToken()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with { Key = null, Token = "explicit-token-string" });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(mock.Requests[0].Header("Authorization"), Is.EqualTo("Bearer explicit-token-string"));
    }

    // UTS: rest/unit/RSA3/token-auth-token-details-1
    [Test]
    public void RSA3_TokenAuthWithTokenDetails()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with { Key = null, TokenDetails = mock.Token("token-from-details") });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(mock.Requests[0].Header("Authorization"), Is.EqualTo("Bearer token-from-details"));
    }

    // UTS: rest/unit/RSA4/use-token-auth-forced-1
    [Test]
    public void RSA4_UseTokenAuthForcesTokenAuth()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req =>
        {
            if (req.Path.StartsWith("/keys/", StringComparison.Ordinal) && req.Path.EndsWith("/requestToken", StringComparison.Ordinal))
            {
                req.RespondWith(200, mock.TokenJson("obtained-token"));
            }
            else
            {
                req.RespondWith(200, ChannelJson);
            }
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", UseTokenAuth = true });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(mock.Requests[1].Header("Authorization"), Is.EqualTo("Bearer obtained-token"));
    }

    // UTS: rest/unit/RSA4/auth-callback-triggers-token-2
    [Test]
    public void RSA4_AuthCallbackTriggersTokenAuth()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with { Key = null, AuthCallback = MockHttp.Callback(_ => mock.Token("callback-token")) });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(mock.Requests[0].Header("Authorization"), Is.EqualTo("Bearer callback-token"));
    }

    // UTS: rest/unit/RSA4/authurl-triggers-token-3
    [Test]
    public void RSA4_AuthUrlTriggersTokenAuth()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req => req.RespondWith(200, req.Host == "auth.example.com" ? mock.TokenJson("authurl-token") : ChannelJson));
        using var client = mock.Rest(o => o with { Key = null, AuthUrl = new Uri("https://auth.example.com/token") });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(mock.Requests[1].Header("Authorization"), Is.EqualTo("Bearer authurl-token"));
    }

    // UTS: rest/unit/RSC1b/no-auth-method-error-0
    [Test]
    [Adapted("The spec constructs the client and expects the first request to fail; Reliably.Rx validates the options in the constructor (RSC1b: invalid arguments are an error), so the 40106 comes from constructing the client, before any request could be made.")]
    public void RSC1b_ErrorWhenNoAuthMethodAvailable()
    {
        var mock = AnsweringChannel();

        var error = Assert.Throws<AblyException>(() => mock.Rest(o => o with { Key = null }));

        Assert.That(error!.Code, Is.EqualTo(40106));
        Assert.That(mock.Requests, Is.Empty);
    }

    // UTS: rest/unit/RSA4a2/expired-token-no-renewal-0
    [Test]
    public void RSA4a2_ErrorWhenTokenExpiredAndNoRenewalMethod()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with { Key = null, TokenDetails = mock.Token("expired-token", ttlMs: -1000) });

        var error = mock.AwaitFailure(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(error.Code, Is.EqualTo(40171));
        Assert.That(mock.Requests, Is.Empty);
    }

    // UTS: rest/unit/RSA1/token-auth-takes-precedence-0
    [Test]
    public void RSA1_AuthMethodPriority()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with
        {
            Key = "appId.keyId:keySecret",
            AuthCallback = MockHttp.Callback(_ => mock.Token("callback-token")),
        });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        Assert.That(mock.Requests[0].Header("Authorization"), Is.EqualTo("Bearer callback-token"));
    }

    // UTS: rest/unit/RSA2/basic-auth-header-format-0
    [Test]
    public void RSA2_RSA11_BasicAuthHeaderFormat()
    {
        var mock = AnsweringChannel();
        using var client = mock.Rest(o => o with { Key = "app123.key456:secretXYZ" });

        mock.Await(client.RequestAsync(HttpMethod.Get, "/channels/test"));

        var header = mock.Requests[0].Header("Authorization");
        Assert.That(header, Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("app123.key456:secretXYZ"))));
        Assert.That(header, Does.Contain("Basic "));
    }

    // UTS: rest/unit/RSC18/token-auth-over-non-tls-0
    [Test]
    public void RSC18_TokenAuthAllowedOverNonTls()
    {
        var mock = new MockHttp(req => req.RespondWith(200, """{"channelId":"test","status":{"isActive":true}}"""));
        using var client = mock.Rest(o => o with { Key = null, Token = "explicit-token", Tls = false });

        mock.Await(client.Channels.Get("test").StatusAsync());

        Assert.That(mock.Requests[0].Header("Authorization"), Is.EqualTo("Bearer explicit-token"));
        Assert.That(mock.Requests[0].Uri.Scheme, Is.EqualTo("http"));
    }
}
