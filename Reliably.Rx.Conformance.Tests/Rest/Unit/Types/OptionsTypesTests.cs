using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>uts/rest/unit/types/options_types.md (TO3, AO2): <c>ClientOptions</c> and <c>AuthOptions</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/types/options_types.md")]
public sealed class OptionsTypesTests
{
    private const string NoRestHost = "restHost is an optional, deprecated option (TO3k2, REC1d) that the library omits (it has no backwards-compatibility requirement); a hostname given as the endpoint (TO3k8, REC1b2) is its replacement.";

    // UTS: rest/unit/TO3/client-options-attributes-0
    [Test]
    [Adapted("Durations are TimeSpans and authMethod an HttpMethod, C#'s types for them.")]
    public void TO3_ClientOptionsAttributes()
    {
        var defaults = new ClientOptions();
        Assert.That(defaults.AuthMethod, Is.EqualTo(HttpMethod.Get));
        Assert.That(defaults.Tls, Is.True);
        Assert.That(defaults.HttpRequestTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(10000)));
        Assert.That(defaults.HttpMaxRetryCount, Is.EqualTo(3));
        Assert.That(defaults.UseBinaryProtocol, Is.True);
        Assert.That(defaults.IdempotentRestPublishing, Is.True);
        Assert.That(defaults.AddRequestIds, Is.False);
        Assert.That(defaults.QueryTime, Is.False);
        Assert.That(defaults.MaxMessageSize, Is.EqualTo(65536));

        var options = new ClientOptions
        {
            Key = "appId.keyId:keySecret",
            ClientId = "my-client",
            Endpoint = "test",
            Tls = false,
            HttpRequestTimeout = TimeSpan.FromMilliseconds(30000),
            UseBinaryProtocol = false,
            IdempotentRestPublishing = false,
            AddRequestIds = true,
        };
        Assert.That(options.Key, Is.EqualTo("appId.keyId:keySecret"));
        Assert.That(options.ClientId, Is.EqualTo("my-client"));
        Assert.That(options.Endpoint, Is.EqualTo("test"));
        Assert.That(options.Tls, Is.False);
        Assert.That(options.HttpRequestTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(30000)));
        Assert.That(options.UseBinaryProtocol, Is.False);
        Assert.That(options.IdempotentRestPublishing, Is.False);
        Assert.That(options.AddRequestIds, Is.True);
    }

    // UTS: rest/unit/TO3/client-options-custom-hosts-1
    [Test]
    [Adapted(NoRestHost)]
    public void TO3_ClientOptionsWithCustomHosts()
    {
        var options = new ClientOptions
        {
            Key = "appId.keyId:keySecret",
            Endpoint = "custom.ably.example.com",
            FallbackHosts = new[] { "fallback1.example.com", "fallback2.example.com" },
        };

        Assert.That(options.Endpoint, Is.EqualTo("custom.ably.example.com"));
        Assert.That(options.FallbackHosts, Is.EqualTo(new[] { "fallback1.example.com", "fallback2.example.com" }));
    }

    // UTS: rest/unit/TO3/client-options-auth-url-2
    [Test]
    public void TO3_ClientOptionsWithAuthUrl()
    {
        var options = new ClientOptions
        {
            AuthUrl = new Uri("https://auth.example.com/token"),
            AuthMethod = HttpMethod.Post,
            AuthHeaders = new Dictionary<string, string> { ["X-API-Key"] = "secret" },
            AuthParams = new Dictionary<string, string> { ["scope"] = "full" },
        };

        Assert.That(options.AuthUrl, Is.EqualTo(new Uri("https://auth.example.com/token")));
        Assert.That(options.AuthMethod, Is.EqualTo(HttpMethod.Post));
        Assert.That(options.AuthHeaders!["X-API-Key"], Is.EqualTo("secret"));
        Assert.That(options.AuthParams!["scope"], Is.EqualTo("full"));
    }

    // UTS: rest/unit/TO3/client-options-default-token-params-3
    [Test]
    public void TO3_ClientOptionsWithDefaultTokenParams()
    {
        var options = new ClientOptions
        {
            Key = "appId.keyId:keySecret",
            DefaultTokenParams = new TokenParams { Ttl = TimeSpan.FromMilliseconds(7200000), ClientId = "default-client", Capability = """{"*":["subscribe"]}""" },
        };

        Assert.That(options.DefaultTokenParams!.Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(7200000)));
        Assert.That(options.DefaultTokenParams.ClientId, Is.EqualTo("default-client"));
        Assert.That(options.DefaultTokenParams.Capability, Is.EqualTo("""{"*":["subscribe"]}"""));
    }

    // UTS: rest/unit/AO2/auth-options-attributes-0
    [Test]
    public void AO2_AuthOptionsAttributes()
    {
        var authOptions = new AuthOptions
        {
            AuthUrl = new Uri("https://auth.example.com/token"),
            AuthMethod = HttpMethod.Post,
            AuthHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer api-key" },
            AuthParams = new Dictionary<string, string> { ["user"] = "test" },
            QueryTime = true,
        };

        Assert.That(authOptions.AuthUrl, Is.EqualTo(new Uri("https://auth.example.com/token")));
        Assert.That(authOptions.AuthMethod, Is.EqualTo(HttpMethod.Post));
        Assert.That(authOptions.AuthHeaders!["Authorization"], Is.EqualTo("Bearer api-key"));
        Assert.That(authOptions.AuthParams!["user"], Is.EqualTo("test"));
        Assert.That(authOptions.QueryTime, Is.True);
    }

    // UTS: rest/unit/AO/auth-options-with-callback-0
    [Test]
    public void AO_AO2b_AuthOptionsWithAuthCallback()
    {
        var called = false;
        var authOptions = new AuthOptions
        {
            AuthCallback = (_, _) =>
            {
                called = true;
                return Task.FromResult<object>(new TokenDetails("callback-token") { Expires = MockHttp.Start.AddMilliseconds(3600000) });
            },
        };

        var result = (TokenDetails)authOptions.AuthCallback!(new TokenParams(), CancellationToken.None).Result;

        Assert.That(called, Is.True);
        Assert.That(result.Token, Is.EqualTo("callback-token"));
    }

    // UTS: rest/unit/TO/endpoint-affects-host-0
    [TestCase(null, "rest.ably.io", "main.realtime.ably.net", TestName = "TO_TO3k8_EndpointAffectsHostSelection(1 production)")]
    [TestCase("test", "test-rest.ably.io", "test.realtime.ably.net", TestName = "TO_TO3k8_EndpointAffectsHostSelection(2 test)")]
    [TestCase("custom-env", "custom-env-rest.ably.io", "custom-env.realtime.ably.net", TestName = "TO_TO3k8_EndpointAffectsHostSelection(3 custom-env)")]
    public void TO_TO3k8_EndpointAffectsHostSelection(string? endpoint, string legacyHost, string primaryDomain)
    {
        var options = endpoint is null ? new ClientOptions { Key = "appId.keyId:keySecret" } : new ClientOptions { Key = "appId.keyId:keySecret", Endpoint = endpoint };

        // The case's table names the hosts of the older environment option (legacyHost); its assertion, which this
        // checks, is that the endpoint is kept as given.
        Assert.That(options.Endpoint, Is.EqualTo(endpoint), legacyHost);

        // The case's note leaves the host resolution to the HTTP level: a request goes to the primary domain REC1
        // derives from the endpoint (REC1a without one, REC1b4 for a routing policy id).
        var mock = new MockHttp(req => req.RespondWith(200, "[1704067200000]"));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", Endpoint = endpoint });
        mock.Await(client.TimeAsync());
        Assert.That(mock.Requests.Select(r => r.Host), Is.EqualTo(new[] { primaryDomain }));
    }

    // UTS: rest/unit/TO/conflicting-options-validation-1
    [Test]
    [Adapted("The restHost + endpoint conflict (REC1b1) cannot arise: " + NoRestHost + " The other two rows are checked as the spec gives them.")]
    public void TO_RSC1b_ConflictingOptionsValidation()
    {
        var mock = new MockHttp();
        using (new AblyRest(mock.Options(o => o with { Key = "appId.keyId:keySecret", AuthCallback = MockHttp.Callback(_ => "token") })))
        {
            // Valid: a key and an authCallback together.
        }

        var error = Assert.Throws<AblyException>(() => _ = new AblyRest(new ClientOptions()))!;
        Assert.That(error.Message, Does.Contain("auth").Or.Contain("key").Or.Contain("token"));
    }
}
