using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.HttpScript;

// The deprecated host options are what REC1b1, REC1c, REC1d, REC2a1, REC2b, REC2c5 and REC2c6 test.
#pragma warning disable CS0618

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/fallback.md, second part: the primary domain (REC1), fallback domains (REC2), connectivity check URL (REC3).</summary>
public sealed partial class FallbackTests
{
    private const string LegacyOptions = "ClientOptions had no Environment, RestHost, RealtimeHost or FallbackHostsUseDefault (the optional, " +
        "deprecated REC1c, REC1d, REC2b): they are now supported, marked obsolete, and the combinations REC1b1, REC1c1 and REC2a1 forbid are rejected with 40003.";

    /// <summary>The host of the one request a <c>time()</c> with these options sends (one response queued).</summary>
    private static string HostOfTime(Func<ClientOptions, ClientOptions> configure)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(200, Time));
        using var client = server.CreateRest(o => configure(o with { Key = Key }));
        scheduler.Await(client.TimeAsync());
        return server.HttpRequests[0].Host;
    }

    /// <summary>The hosts a <c>time()</c> with these options tries when the primary fails and the next host answers.</summary>
    private static (string Primary, string Fallback) HostsOfFallback(Func<ClientOptions, ClientOptions> configure)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(500, Error50000), Json(200, Time));
        using var client = server.CreateRest(o => configure(o with { Key = Key }));
        scheduler.Await(client.TimeAsync());
        Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
        return (server.HttpRequests[0].Host, server.HttpRequests[1].Host);
    }

    /// <summary>The one host a failing <c>time()</c> with these options tries (no fallback).</summary>
    private static void AssertNoFallback(Func<ClientOptions, ClientOptions> configure, string expectedHost)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(500, Error50000));
        using var client = server.CreateRest(o => configure(o with { Key = Key }));
        scheduler.AwaitFailure(client.TimeAsync());
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Host, Is.EqualTo(expectedHost));
    }

    /// <summary><c>Rest(options) FAILS WITH error</c> for conflicting options.</summary>
    private static void AssertInvalid(Func<ClientOptions, ClientOptions> configure)
    {
        var (_, server) = Uts.Mock();
        var error = Assert.Throws<AblyException>(() => server.CreateRest(o => configure(o with { Key = Key })).Dispose())!;
        Assert.That(
            error.Code == 40000 || error.Message.Contains("invalid", StringComparison.Ordinal) || error.Message.Contains("conflict", StringComparison.Ordinal),
            error.ToString());
    }

    // UTS: rest/unit/REC1a/default-primary-domain-0
    [Test]
    public void REC1a_DefaultPrimaryDomain() => Assert.That(HostOfTime(o => o), Is.EqualTo(Primary));

    // UTS: rest/unit/REC1b2/explicit-hostname-with-period-0
    [Test]
    public void REC1b2_EndpointWithPeriodIsExplicitHostname() =>
        Assert.That(HostOfTime(o => o with { Endpoint = "custom.ably.example.com" }), Is.EqualTo("custom.ably.example.com"));

    // UTS: rest/unit/REC1b2/endpoint-localhost-1
    [Test]
    public void REC1b2_EndpointLocalhost() => Assert.That(HostOfTime(o => o with { Endpoint = "localhost" }), Is.EqualTo("localhost"));

    // UTS: rest/unit/REC1b2/endpoint-ipv6-address-2
    [Test]
    public void REC1b2_EndpointIpv6Address() => Assert.That(HostOfTime(o => o with { Endpoint = "::1" }), Is.AnyOf("::1", "[::1]"));

    // UTS: rest/unit/REC1b3/nonprod-routing-policy-0
    [Test]
    public void REC1b3_EndpointNonprodRoutingPolicy() =>
        Assert.That(HostOfTime(o => o with { Endpoint = "nonprod:staging" }), Is.EqualTo("staging.realtime.ably-nonprod.net"));

    // UTS: rest/unit/REC1b4/production-routing-policy-0
    [Test]
    public void REC1b4_EndpointProductionRoutingPolicy() =>
        Assert.That(HostOfTime(o => o with { Endpoint = "test" }), Is.EqualTo("test.realtime.ably.net"));

    // UTS: rest/unit/REC1b1/endpoint-conflicts-environment-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1b1_EndpointConflictsWithEnvironment() => AssertInvalid(o => o with { Endpoint = "test", Environment = "production" });

    // UTS: rest/unit/REC1b1/endpoint-conflicts-resthost-1
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1b1_EndpointConflictsWithRestHost() => AssertInvalid(o => o with { Endpoint = "test", RestHost = "custom.host.com" });

    // UTS: rest/unit/REC1b1/endpoint-conflicts-realtimehost-2
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1b1_EndpointConflictsWithRealtimeHost() => AssertInvalid(o => o with { Endpoint = "test", RealtimeHost = "custom.realtime.com" });

    // UTS: rest/unit/REC1b1/endpoint-conflicts-fallback-default-3
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1b1_EndpointConflictsWithFallbackHostsUseDefault() => AssertInvalid(o => o with { Endpoint = "test", FallbackHostsUseDefault = true });

    // UTS: rest/unit/REC1c2/environment-sets-primary-domain-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1c2_EnvironmentSetsPrimaryDomain() =>
        Assert.That(HostOfTime(o => o with { Environment = "sandbox" }), Is.EqualTo("sandbox.realtime.ably.net"));

    // UTS: rest/unit/REC1c1/environment-conflicts-resthost-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1c1_EnvironmentConflictsWithRestHost() => AssertInvalid(o => o with { Environment = "sandbox", RestHost = "custom.host.com" });

    // UTS: rest/unit/REC1c1/environment-conflicts-realtimehost-1
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1c1_EnvironmentConflictsWithRealtimeHost() => AssertInvalid(o => o with { Environment = "sandbox", RealtimeHost = "custom.realtime.com" });

    // UTS: rest/unit/REC1d1/resthost-sets-primary-domain-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1d1_RestHostSetsPrimaryDomain() =>
        Assert.That(HostOfTime(o => o with { RestHost = "custom.rest.example.com" }), Is.EqualTo("custom.rest.example.com"));

    // UTS: rest/unit/REC1d2/realtimehost-sets-primary-domain-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1d2_RealtimeHostSetsPrimaryDomain() =>
        Assert.That(HostOfTime(o => o with { RealtimeHost = "custom.realtime.example.com" }), Is.EqualTo("custom.realtime.example.com"));

    // UTS: rest/unit/REC1d/resthost-precedence-over-realtimehost-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC1d_RestHostTakesPrecedenceOverRealtimeHost() =>
        Assert.That(HostOfTime(o => o with { RestHost = "rest.example.com", RealtimeHost = "realtime.example.com" }), Is.EqualTo("rest.example.com"));

    // UTS: rest/unit/REC2c1/default-fallback-domains-0
    [Test]
    public void REC2c1_DefaultFallbackDomains()
    {
        var (primary, fallback) = HostsOfFallback(o => o);
        Assert.That(primary, Is.EqualTo(Primary));
        Assert.That(fallback, Is.AnyOf(DefaultFallbacks));
    }

    // UTS: rest/unit/REC2a2/custom-fallback-hosts-0
    [Test]
    public void REC2a2_CustomFallbackHosts()
    {
        var custom = new[] { "fb1.example.com", "fb2.example.com", "fb3.example.com" };
        var (primary, fallback) = HostsOfFallback(o => o with { FallbackHosts = custom });
        Assert.That(primary, Is.EqualTo(Primary));
        Assert.That(fallback, Is.AnyOf(custom));
    }

    // UTS: rest/unit/REC2a1/fallback-hosts-conflicts-use-default-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC2a1_FallbackHostsConflictsWithFallbackHostsUseDefault() =>
        AssertInvalid(o => o with { FallbackHosts = new[] { "fb1.example.com" }, FallbackHostsUseDefault = true });

    // UTS: rest/unit/REC2b/fallback-hosts-use-default-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC2b_FallbackHostsUseDefault()
    {
        var (primary, fallback) = HostsOfFallback(o => o with { RestHost = "custom.host.com", FallbackHostsUseDefault = true });
        Assert.That(primary, Is.EqualTo("custom.host.com"));
        Assert.That(fallback, Is.AnyOf(DefaultFallbacks));
    }

    // UTS: rest/unit/REC2c2/explicit-hostname-no-fallbacks-0
    [Test]
    public void REC2c2_ExplicitHostnameEndpointHasNoFallbacks() =>
        AssertNoFallback(o => o with { Endpoint = "custom.ably.example.com" }, "custom.ably.example.com");

    // UTS: rest/unit/REC2c3/nonprod-fallback-domains-0
    [Test]
    public void REC2c3_NonprodRoutingPolicyFallbackDomains()
    {
        var (primary, fallback) = HostsOfFallback(o => o with { Endpoint = "nonprod:staging" });
        Assert.That(primary, Is.EqualTo("staging.realtime.ably-nonprod.net"));
        Assert.That(fallback, Is.AnyOf(FallbacksOf("staging", "ably-realtime-nonprod.com")));
    }

    // UTS: rest/unit/REC2c4/production-endpoint-fallback-domains-0
    [Test]
    public void REC2c4_ProductionRoutingPolicyFallbackDomains()
    {
        var (primary, fallback) = HostsOfFallback(o => o with { Endpoint = "test" });
        Assert.That(primary, Is.EqualTo("test.realtime.ably.net"));
        Assert.That(fallback, Is.AnyOf(FallbacksOf("test", "ably-realtime.com")));
    }

    // UTS: rest/unit/REC2c5/production-environment-fallback-domains-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC2c5_EnvironmentFallbackDomains()
    {
        var (primary, fallback) = HostsOfFallback(o => o with { Environment = "sandbox" });
        Assert.That(primary, Is.EqualTo("sandbox.realtime.ably.net"));
        Assert.That(fallback, Is.AnyOf(FallbacksOf("sandbox", "ably-realtime.com")));
    }

    // UTS: rest/unit/REC2c6/custom-resthost-no-fallbacks-0
    [Test]
    [Divergence(LegacyOptions)]
    public void REC2c6_CustomRestHostHasNoFallbacks() =>
        AssertNoFallback(o => o with { RestHost = "custom.rest.example.com" }, "custom.rest.example.com");

    // UTS: rest/unit/REC2c6/custom-realtimehost-no-fallbacks-1
    [Test]
    [Divergence(LegacyOptions)]
    public void REC2c6_CustomRealtimeHostHasNoFallbacks() =>
        AssertNoFallback(o => o with { RealtimeHost = "custom.realtime.example.com" }, "custom.realtime.example.com");

    /// <summary>A realtime client's <c>connection.checkConnectivity()</c> with the given answer to the check's GET.</summary>
    private static async Task<(bool Result, IReadOnlyList<ScriptedHttpRequest> Requests)> CheckConnectivity(Action<ScriptedHttpRequest> answer, string? url = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = answer;
        await using var client = server.CreateRealtime(o => o with { Key = Key, ConnectivityCheckUrl = url });
        return (scheduler.Await(client.Connection.CheckConnectivityAsync()), server.HttpRequests);
    }

    private const string DefaultCheckUrl = "https://internet-up.ably-realtime.com/is-the-internet-up.txt";

    // UTS: rest/unit/REC3a/default-connectivity-check-url-0
    [Test]
    public async Task REC3a_DefaultConnectivityCheckUrl()
    {
        var (_, requests) = await CheckConnectivity(Text(200, "yes", "text/plain"));

        var checks = requests.Where(r => r.Uri.AbsolutePath.Contains("is-the-internet-up", StringComparison.Ordinal)).ToList();
        Assert.That(checks, Is.Not.Empty);
        Assert.That(checks[0].Uri.ToString(), Is.EqualTo(DefaultCheckUrl));
    }

    // UTS: rest/unit/REC3b/custom-connectivity-check-url-0
    [Test]
    public async Task REC3b_CustomConnectivityCheckUrl()
    {
        var (_, requests) = await CheckConnectivity(Text(200, "ok", "text/plain"), "https://custom.example.com/connectivity");

        var checks = requests.Where(r => r.Host == "custom.example.com").ToList();
        Assert.That(checks, Is.Not.Empty);
        Assert.That(checks[0].Uri.ToString(), Is.EqualTo("https://custom.example.com/connectivity"));
        Assert.That(requests.Where(r => r.Host == "internet-up.ably-realtime.com"), Is.Empty);
    }

    // UTS: rest/unit/REC3/connectivity-check-validation-0
    [TestCase("yes", true)]
    [TestCase("no", false)]
    [TestCase("empty", false)]
    [TestCase("404", false)]
    [TestCase("network error", false)]
    public async Task REC3_ConnectivityCheckResponseValidation(string response, bool expected)
    {
        Action<ScriptedHttpRequest> answer = response switch
        {
            "empty" => r => r.RespondWith(200, Array.Empty<byte>(), "text/plain"),
            "404" => Text(404, "Not Found", "text/plain"),
            "network error" => r => r.RefuseConnection(),
            _ => Text(200, response, "text/plain"),
        };

        var (result, _) = await CheckConnectivity(answer);

        Assert.That(result, Is.EqualTo(expected));
    }
}
