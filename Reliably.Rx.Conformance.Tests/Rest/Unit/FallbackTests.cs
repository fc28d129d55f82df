using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.HttpScript;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>
/// uts/rest/unit/fallback.md (RSC15, REC1, REC2, REC3): host fallback. This part: RSC15; the endpoint configuration
/// (REC1, REC2, REC3) is in FallbackTests.Domains.cs.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/fallback.md")]
public sealed partial class FallbackTests
{
    private const string Key = "appId.keyId:keySecret";
    private const string Primary = "main.realtime.ably.net";
    private const string Time = """{"time": 1234567890000}""";
    private const string Error50000 = """{"error": {"code": 50000}}""";

    private static readonly string[] DefaultFallbacks = FallbacksOf("main", "ably-realtime.com");

    private static string[] FallbacksOf(string id, string domain) =>
        new[] { "a", "b", "c", "d", "e" }.Select(letter => $"{id}.{letter}.fallback.{domain}").ToArray();

    private static string ErrorBody(int status) => "{\"error\": {\"code\": " + (status * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";

    // UTS: rest/unit/RSC15m/no-fallback-empty-hosts-0
    [Test]
    public void RSC15m_NoFallbackWhenFallbackHostsEmpty()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(500, Error50000));
        using var client = server.CreateRest(o => o with { Key = Key, FallbackHosts = Array.Empty<string>() });

        var error = scheduler.AwaitFailure(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(error.StatusCode, Is.EqualTo(500));
    }

    // UTS: rest/unit/RSC15a/fallback-random-order-0
    [Test]
    public void RSC15a_FallbackHostsTriedInRandomOrder()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Enumerable.Repeat(Json(500, Error50000), 6).ToArray());
        using var client = server.CreateRest(o => o with { Key = Key });

        scheduler.AwaitFailure(client.TimeAsync());

        var requests = server.HttpRequests;
        Assert.That(requests[0].Host, Is.EqualTo(Primary));
        Assert.That(requests.Skip(1).Select(r => r.Host), Is.SubsetOf(DefaultFallbacks).And.Not.Empty);

        // "To test randomness: run test multiple times and verify order varies": the first fallback of 20 clients.
        var firsts = Enumerable.Range(0, 20).Select(seed =>
        {
            var (s, other) = Uts.Mock(seed);
            other.AnswerAll(500, Error50000);
            using var c = other.CreateRest(o => o with { Key = Key });
            s.AwaitFailure(c.TimeAsync());
            return other.HttpRequests[1].Host;
        }).Distinct().ToList();
        Assert.That(firsts, Has.Count.GreaterThan(1), "the fallback order varies");
    }

    // UTS: rest/unit/RSC15l/qualifying-errors-trigger-fallback-0
    [TestCase("unreachable", true)]
    [TestCase("timeout", true)]
    [TestCase("500", true)]
    [TestCase("501", true)]
    [TestCase("502", true)]
    [TestCase("503", true)]
    [TestCase("504", true)]
    [TestCase("400", false)]
    [TestCase("401", false)]
    [TestCase("404", false)]
    public void RSC15l_RSC15l1_RSC15l2_RSC15l3_QualifyingErrorsTriggerFallback(string condition, bool shouldRetry)
    {
        var (scheduler, server) = Uts.Mock();
        Action<ScriptedHttpRequest> first = condition switch
        {
            "unreachable" => r => r.RefuseConnection(),
            "timeout" => _ => { }, // queue_timeout(): never answered, so httpRequestTimeout ends it
            _ => Json(int.Parse(condition, System.Globalization.CultureInfo.InvariantCulture), ErrorBody(int.Parse(condition, System.Globalization.CultureInfo.InvariantCulture))),
        };
        server.AnswerInOrder(shouldRetry ? new[] { first, Json(200, Time) } : new[] { first });
        using var client = server.CreateRest(o => o with { Key = Key, HttpRequestTimeout = TimeSpan.FromMilliseconds(1000) });

        if (shouldRetry)
        {
            scheduler.Await(client.TimeAsync());
            Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
            Assert.That(server.HttpRequests[1].Host, Is.Not.EqualTo(server.HttpRequests[0].Host));
        }
        else
        {
            scheduler.AwaitFailure(client.TimeAsync());
            Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        }
    }

    // UTS: rest/unit/RSC15l4/cloudfront-error-triggers-fallback-0
    [Test]
    public void RSC15l4_CloudFrontErrorsTriggerFallback()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(403, """{"error": "Forbidden"}""", Headers(("Server", "CloudFront"))), Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key });

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
        Assert.That(server.HttpRequests[0].Host, Is.EqualTo(Primary));
        Assert.That(server.HttpRequests[1].Host, Is.Not.EqualTo(Primary));
    }

    // UTS: rest/unit/RSC15l/connection-refused-fallback-0
    [Test]
    public void RSC15l_ConnectionRefusedTriggersFallback() =>
        AssertSecondAttemptSucceeds(r => r.RefuseConnection());

    // UTS: rest/unit/RSC15l/dns-error-fallback-1
    [Test]
    public void RSC15l_DnsErrorTriggersFallback() =>
        AssertSecondAttemptSucceeds(r => r.FailNameResolution());

    // UTS: rest/unit/RSC15l/connection-timeout-fallback-2
    [Test]
    [Adapted("The mock's connection and request are one HttpClient exchange here: a connection that never opens is a request never answered, ended by httpRequestTimeout.")]
    public void RSC15l_ConnectionTimeoutTriggersFallback() =>
        AssertSecondAttemptSucceeds(_ => { }, TimeSpan.FromMilliseconds(1000));

    // UTS: rest/unit/RSC15l/request-timeout-fallback-3
    [Test]
    public void RSC15l_RequestTimeoutTriggersFallback()
    {
        AssertSecondAttemptSucceeds(_ => { }, TimeSpan.FromMilliseconds(1000), out var server);
        Assert.That(server.HttpRequests[0].Host, Is.Not.EqualTo(server.HttpRequests[1].Host));
    }

    // UTS: rest/unit/RSC15l/http-5xx-triggers-fallback-4
    [TestCase(500)]
    [TestCase(501)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public void RSC15l_Http5xxTriggersFallback(int status) =>
        AssertSecondAttemptSucceeds(Json(status, ErrorBody(status)));

    // UTS: rest/unit/RSC15l/http-4xx-no-fallback-5
    [TestCase(400)]
    [TestCase(401)]
    [TestCase(404)]
    public void RSC15l_Http4xxDoesNotTriggerFallback(int status)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(status, ErrorBody(status));
        using var client = server.CreateRest(o => o with { Key = Key });

        var error = scheduler.AwaitFailure(client.TimeAsync());

        Assert.That(error.StatusCode, Is.EqualTo(status));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
    }

    // UTS: rest/unit/RSC15j/host-header-matches-request-0
    [Test]
    public void RSC15j_HostHeaderMatchesRequestHost()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(500, Error50000), Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key });

        scheduler.Await(client.TimeAsync());

        var (first, second) = (server.HttpRequests[0], server.HttpRequests[1]);
        Assert.That(first.Header("Host"), Is.EqualTo(first.Uri.Host));
        Assert.That(second.Header("Host"), Is.EqualTo(second.Uri.Host));
        Assert.That(first.Header("Host"), Is.Not.EqualTo(second.Header("Host")));
    }

    // UTS: rest/unit/RSC15f/successful-fallback-cached-0
    [Test]
    [Adapted(RandomFallback)]
    public void RSC15f_SuccessfulFallbackHostIsCached()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = PrimaryFailsFallbacksSucceed();
        using var client = server.CreateRest(o => o with { Key = Key, FallbackRetryTimeout = TimeSpan.FromMilliseconds(60000) });

        scheduler.Await(client.TimeAsync());
        scheduler.Await(client.TimeAsync());

        var requests = server.HttpRequests;
        Assert.That(requests, Has.Count.EqualTo(3));
        Assert.That(requests[0].Host, Is.EqualTo(Primary));
        Assert.That(requests[1].Host, Is.AnyOf(DefaultFallbacks));
        Assert.That(requests[2].Host, Is.EqualTo(requests[1].Host));
    }

    // UTS: rest/unit/RSC15f/cached-fallback-expires-1
    [Test]
    [Adapted(RandomFallback)]
    public void RSC15f_CachedFallbackExpiresAfterFallbackRetryTimeout()
    {
        var (scheduler, server) = Uts.Mock();
        var primaryFailed = false;
        server.OnHttpRequest = r =>
        {
            // The primary fails once; after the timeout it answers.
            if (r.Host == Primary && !primaryFailed)
            {
                primaryFailed = true;
                r.RespondWith(500, "{\"error\": {}}");
            }
            else
            {
                r.RespondWith(200, Time);
            }
        };
        using var client = server.CreateRest(o => o with { Key = Key, FallbackRetryTimeout = TimeSpan.FromMilliseconds(100) });

        scheduler.Await(client.TimeAsync());
        scheduler.AdvanceTime(150);
        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(3));
        Assert.That(server.HttpRequests[2].Host, Is.EqualTo(Primary));
    }

    // UTS: rest/unit/RSC15f/expired-not-resurrected-2
    [Test]
    public void RSC15f_ExpiredPreferredFallbackNotResurrectedByLateSuccess()
    {
        var (scheduler, server) = Uts.Mock();
        ScriptedHttpRequest? held = null;
        var index = 0;
        server.OnHttpRequest = r =>
        {
            index++;
            if (index == 1)
            {
                r.RespondWith(500, """{"error": {"message": "fail", "code": 50000, "statusCode": 500}}""");
            }
            else if (index == 3)
            {
                held = r;
            }
            else
            {
                r.RespondWith(200, "[1000]");
            }
        };
        using var client = server.CreateRest(o => o with { Key = Key, FallbackRetryTimeout = TimeSpan.FromMilliseconds(100) });

        scheduler.Await(client.TimeAsync());
        var pending = client.TimeAsync();
        scheduler.AdvanceTime(150);
        scheduler.Await(client.TimeAsync());
        held!.RespondWith(200, "[1000]");
        scheduler.Await(pending);
        scheduler.Await(client.TimeAsync());

        var requests = server.HttpRequests;
        Assert.That(requests, Has.Count.EqualTo(5));
        Assert.That(requests[0].Host, Is.EqualTo(Primary));
        Assert.That(requests[1].Host, Is.Not.EqualTo(Primary));
        Assert.That(requests[2].Host, Is.EqualTo(requests[1].Host));
        Assert.That(requests[3].Host, Is.EqualTo(Primary));
        Assert.That(requests[4].Host, Is.EqualTo(Primary));
    }

    private const string RandomFallback = "The spec scripts answers for main.a.fallback.ably-realtime.com as if it were always the first fallback; " +
        "RSC15a makes the order random (the spec's own RSC15a case says so), so the primary fails and whichever fallback the client picks " +
        "succeeds, and the test asserts that this host is the one cached.";

    /// <summary>Answers in the roles the RSC15f cases give the hosts: the primary fails, any fallback succeeds.</summary>
    private static Action<ScriptedHttpRequest> PrimaryFailsFallbacksSucceed() =>
        r => r.RespondWith(r.Host == Primary ? 500 : 200, r.Host == Primary ? "{\"error\": {}}" : Time);

    private static void AssertSecondAttemptSucceeds(Action<ScriptedHttpRequest> first, TimeSpan? httpRequestTimeout = null) =>
        AssertSecondAttemptSucceeds(first, httpRequestTimeout, out _);

    /// <summary>The RSC15l scenarios: the first attempt fails as given, the fallback succeeds; two attempts in all.</summary>
    private static void AssertSecondAttemptSucceeds(Action<ScriptedHttpRequest> first, TimeSpan? httpRequestTimeout, out ScriptedAbly server)
    {
        (var scheduler, server) = Uts.Mock();
        server.AnswerInOrder(first, Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key, HttpRequestTimeout = httpRequestTimeout ?? o.HttpRequestTimeout });

        var result = scheduler.Await(client.TimeAsync());

        Assert.That(result.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
    }
}
