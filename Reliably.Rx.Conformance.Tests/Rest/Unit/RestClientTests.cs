using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.HttpScript;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/rest_client.md (RSC5, RSC7, RSC8, RSC13, RSC17, RSC18): the REST client's requests.</summary>
[TestFixture]
[Category("uts/rest/unit/rest_client.md")]
public sealed class RestClientTests
{
    private const string Key = "appId.keyId:keySecret";
    private const string Time = """{"time": 1234567890000}""";

    // UTS: rest/unit/RSC5/auth-attribute-accessible-0
    [Test]
    public void RSC5_AuthAttributeIsAccessible()
    {
        var (_, server) = Uts.Mock();
        using var client = server.CreateRest(o => o with { Key = Key });

        Assert.That(client.Auth, Is.Not.Null);
        Assert.That(client.Auth, Is.InstanceOf<AblyAuth>());
    }

    // UTS: rest/unit/RSC7e/ably-version-header-0
    [Test]
    public void RSC7e_XAblyVersionHeader()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(200, Time);
        using var client = server.CreateRest(o => o with { Key = Key });

        scheduler.Await(client.TimeAsync());

        var request = server.HttpRequests.Single();
        Assert.That(request.Header("X-Ably-Version"), Does.Match("[0-9.]+"));
    }

    // UTS: rest/unit/RSC7d/ably-agent-header-format-0
    [Test]
    public void RSC7d_RSC7d1_RSC7d2_AblyAgentHeaderFormat()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key });

        scheduler.Await(client.TimeAsync());

        var agent = server.HttpRequests[0].Header("Ably-Agent");
        Assert.That(agent, Is.Not.Null);

        // NOTE: the spec's pattern, searched (not anchored) as it is written; this library's entry is reliably-rx/<version>.
        Assert.That(agent, Does.Match("ably-[a-z]+/[0-9]+\\.[0-9]+\\.[0-9]+"));
    }

    // UTS: rest/unit/RSC7c/request-id-included-0
    [Test]
    [Divergence("Unauthenticated requests such as time() carried no request_id with addRequestIds: only the authenticated pipeline added one. The id is now added to every REST request, once per logical request, before the first host is tried.")]
    public void RSC7c_RequestIdIncludedWhenAddRequestIdsEnabled()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key, AddRequestIds = true });

        scheduler.Await(client.TimeAsync());

        var requestId = server.HttpRequests[0].Query("request_id");
        Assert.That(requestId, Is.Not.Null);
        Assert.That(requestId!.Length, Is.GreaterThanOrEqualTo(12));
        Assert.That(requestId, Does.Match("^[A-Za-z0-9_-]+$"));
    }

    // UTS: rest/unit/RSC7c/request-id-preserved-fallback-1
    [Test]
    [Divergence("Unauthenticated requests such as time() carried no request_id with addRequestIds: only the authenticated pipeline added one. The id is now added to every REST request, once per logical request, before the first host is tried.")]
    public void RSC7c_RequestIdPreservedOnFallbackRetry()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(500, """{"error": {"code": 50000}}"""), Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key, AddRequestIds = true, FallbackHosts = new[] { "a.example.com", "b.example.com" } });

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
        Assert.That(server.HttpRequests[0].Query("request_id"), Is.Not.Null);
        Assert.That(server.HttpRequests[1].Query("request_id"), Is.EqualTo(server.HttpRequests[0].Query("request_id")));
    }

    // UTS: rest/unit/RSC8a/protocol-selection-0
    [TestCase(true, "application/x-msgpack")]
    [TestCase(false, "application/json")]
    public void RSC8a_RSC8b_ProtocolSelection(bool useBinaryProtocol, string expectedContentType)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(201, """{"serials": ["s1"]}"""));
        using var client = server.CreateRest(o => o with { Key = Key, UseBinaryProtocol = useBinaryProtocol });

        scheduler.Await(client.Channels.Get("test").PublishAsync("e", "d"));

        var request = server.HttpRequests[0];
        Assert.That(request.Header("Content-Type"), Is.EqualTo(expectedContentType));
        Assert.That(request.Header("Accept"), Is.EqualTo(expectedContentType));
    }

    // UTS: rest/unit/RSC8c/accept-content-type-headers-0
    [Test]
    public void RSC8c_AcceptAndContentTypeHeaders()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(201, """{"serials": ["s1"]}"""));
        using var client = server.CreateRest(o => o with { Key = Key, UseBinaryProtocol = false });

        scheduler.Await(client.Channels.Get("test").PublishAsync("e", "d"));

        var request = server.HttpRequests[0];
        Assert.That(request.Header("Accept"), Is.EqualTo("application/json"));
        Assert.That(request.Header("Content-Type"), Is.EqualTo("application/json"));
    }

    // UTS: rest/unit/RSC8d/mismatched-response-content-type-0
    [Test]
    public void RSC8d_MismatchedResponseContentTypeIsDecoded()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(MsgPack(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key, UseBinaryProtocol = false });

        var result = scheduler.Await(client.TimeAsync());

        Assert.That(result.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
    }

    // UTS: rest/unit/RSC8e/unsupported-content-type-0
    [TestCase(500, 500, null)]
    [TestCase(200, 400, 40013)]
    public void RSC8e_UnsupportedContentType(int status, int expectedStatusCode, int? expectedCode)
    {
        var (scheduler, server) = Uts.Mock();

        // NOTE: the spec queues one response; a 500 qualifies for the default fallback hosts (RSC15l3), so every host
        // the client tries gives the same answer.
        server.OnHttpRequest = Text(status, status >= 400 ? "<html>Server Error</html>" : "<html>OK</html>", "text/html");
        using var client = server.CreateRest(o => o with { Key = Key });

        var error = scheduler.AwaitFailure(client.TimeAsync());

        Assert.That(error.StatusCode, Is.EqualTo(expectedStatusCode));
        if (expectedCode is { } code)
        {
            Assert.That(error.Code, Is.EqualTo(code));
        }
    }

    // UTS: rest/unit/RSC8/error-decoded-from-msgpack-0
    [Test]
    public void RSC8_ErrorResponseDecodedFromMessagePack()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = MsgPack(400, """{"error": {"code": 40099, "statusCode": 400, "message": "Test error"}}""");
        using var client = server.CreateRest(o => o with { Key = Key, UseBinaryProtocol = true });

        var error = scheduler.AwaitFailure(client.TimeAsync());

        Assert.That(error.Code, Is.EqualTo(40099));
        Assert.That(error.StatusCode, Is.EqualTo(400));
        Assert.That(error.ErrorInfo.Message, Is.EqualTo("Test error"));
    }

    // UTS: rest/unit/RSC13/request-timeout-enforced-0
    [Test]
    public void RSC13_RequestTimeoutIsEnforced()
    {
        var (scheduler, server) = Uts.Mock();
        using var client = server.CreateRest(o => o with { Key = Key, HttpRequestTimeout = TimeSpan.FromMilliseconds(1000) });

        var time = client.TimeAsync();
        var request = server.NextHttpRequest();
        request.RespondWith(200, Time, delay: TimeSpan.FromMilliseconds(5000));

        var error = scheduler.AwaitFailure(time);
        Assert.That(error.Code == 50003 || error.Message.Contains("timeout", StringComparison.Ordinal), error.ToString());
    }

    // UTS: rest/unit/RSC17/client-id-from-options-0
    [Test]
    public void RSC17_ClientIdFromOptions()
    {
        var (_, server) = Uts.Mock();
        using var client = server.CreateRest(o => o with { Key = Key, ClientId = "explicit-client-id" });

        Assert.That(client.ClientId, Is.EqualTo("explicit-client-id"));
        Assert.That(client.ClientId, Is.EqualTo(client.Auth.ClientId));
    }

    // UTS: rest/unit/RSC17/client-id-matches-auth-1
    [Test]
    public void RSC17_ClientIdMatchesAuthClientId()
    {
        var (_, server) = Uts.Mock();
        using var client = server.CreateRest(o => o with { Key = Key, ClientId = "explicit-client-id" });

        Assert.That(client.ClientId, Is.EqualTo("explicit-client-id"));
        Assert.That(client.ClientId, Is.EqualTo(client.Auth.ClientId));
    }

    // UTS: rest/unit/RSC18/tls-controls-protocol-scheme-0
    [TestCase(true, "https")]
    [TestCase(false, "http", Ignore = TlsFalseWithKey)]
    public void RSC18_TlsControlsProtocolScheme(bool tls, string expectedScheme)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = Key, Tls = tls });

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests[0].Uri.Scheme, Is.EqualTo(expectedScheme));
    }

    private const string TlsFalseWithKey = "UTS spec error: row 2 builds a client with an API key and tls: false and expects it to " +
        "work, while the next case (RSC18 basic-auth-over-http-rejected-1) requires that very construction to fail with " +
        "40103 (features.md RSC18: Basic auth over HTTP results in an error); the file contradicts itself.";

    // UTS: rest/unit/RSC18/basic-auth-over-http-rejected-1
    [Test]
    public void RSC18_BasicAuthOverHttpRejected()
    {
        var (scheduler, server) = Uts.Mock();

        var error = Assert.Throws<AblyException>(() => server.CreateRest(o => o with { Key = Key, Tls = false }).Dispose())!;
        Assert.That(error.Code == 40103 || error.Message.Contains("insecure", StringComparison.Ordinal) || error.Message.Contains("TLS", StringComparison.Ordinal), error.ToString());

        // Additional test: token auth over HTTP is allowed.
        server.AnswerInOrder(Json(200, Time));
        using var client = server.CreateRest(o => o with { Key = null, Token = "some-token-string", Tls = false });
        var result = scheduler.Await(client.TimeAsync());
        Assert.That(result.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
    }
}
