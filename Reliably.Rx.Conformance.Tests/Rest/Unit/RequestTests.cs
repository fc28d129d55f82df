using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.HttpScript;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/request.md (RSC19, HP1-HP8): <c>RestClient#request</c> and <c>HttpPaginatedResponse</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/request.md")]
public sealed class RequestTests
{
    private const string Key = "appId.keyId:keySecret";

    private static HttpMethod Method(string name) => new(name);

    /// <summary>The setup most cases share: every request answered alike, a client with a key.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRest Client) Answering(
        Action<ScriptedHttpRequest> answer, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = answer;
        var client = server.CreateRest(o => (configure ?? (x => x))(o with { Key = Key }));
        return (scheduler, server, client);
    }

    private static Dictionary<string, string> Pairs(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    // UTS: rest/unit/RSC19f/supports-http-methods-0
    [TestCase("GET")]
    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    public void RSC19f_SupportsHttpMethods(string method)
    {
        var (scheduler, server, client) = Answering(Json(200, "[]"));
        using var _ = client;

        scheduler.Await(client.RequestAsync(Method(method), "/test", version: 3));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Method.Method, Is.EqualTo(method));
        Assert.That(server.HttpRequests[0].Path, Is.EqualTo("/test"));
    }

    // UTS: rest/unit/RSC19f/query-params-passed-1
    [Test]
    public void RSC19f_QueryParametersPassed()
    {
        var (scheduler, server, client) = Answering(Json(200, "[]"));
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Get, "/channels/test/messages", Pairs(("limit", "10"), ("direction", "backwards")), version: 3));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Query("limit"), Is.EqualTo("10"));
        Assert.That(server.HttpRequests[0].Query("direction"), Is.EqualTo("backwards"));
    }

    // UTS: rest/unit/RSC19f/custom-headers-passed-2
    [Test]
    public void RSC19f_CustomHeadersPassed()
    {
        var (scheduler, server, client) = Answering(Json(200, "[]"));
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", headers: Pairs(("X-Custom-Header", "custom-value"), ("X-Another", "another-value")), version: 3));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Header("X-Custom-Header"), Is.EqualTo("custom-value"));
        Assert.That(server.HttpRequests[0].Header("X-Another"), Is.EqualTo("another-value"));
    }

    // UTS: rest/unit/RSC19f/request-body-sent-3
    [Test]
    public void RSC19f_RequestBodySent()
    {
        var (scheduler, server, client) = Answering(Json(201, """{"id": "123"}"""), o => o with { UseBinaryProtocol = false });
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Post, "/channels/test/messages", body: JObject.Parse("""{"name": "event", "data": "payload"}"""), version: 3));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var body = JToken.Parse(server.HttpRequests[0].BodyText);
        Assert.That((string?)body["name"], Is.EqualTo("event"));
        Assert.That((string?)body["data"], Is.EqualTo("payload"));
    }

    // UTS: rest/unit/RSC19f1/version-param-sets-header-0
    [Test]
    public void RSC19f1_VersionParameterSetsXAblyVersionHeader()
    {
        var (scheduler, server, client) = Answering(Json(200, "[]"));
        using var _ = client;

        foreach (var (version, expected) in new[] { (2, "2"), (3, "3") })
        {
            var before = server.HttpRequests.Count;
            scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: version));
            Assert.That(server.HttpRequests[before].Header("X-Ably-Version"), Is.EqualTo(expected));
        }
    }

    // UTS: rest/unit/RSC19b/uses-configured-auth-0
    [TestCase("basic")]
    [TestCase("token")]
    public void RSC19b_UsesConfiguredAuthentication(string auth)
    {
        var (scheduler, server, client) = Answering(
            Json(200, "[]"),
            o => auth == "basic" ? o : o with { Key = null, Token = "my-token-string" });
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var authorization = server.HttpRequests[0].Header("Authorization");
        Assert.That(authorization, Is.Not.Null);
        if (auth == "basic")
        {
            Assert.That(authorization, Does.StartWith("Basic "));
            Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(authorization![6..])), Is.EqualTo(Key));
        }
        else
        {
            Assert.That(authorization, Does.StartWith("Bearer "));
        }
    }

    // UTS: rest/unit/RSC19c/protocol-headers-json-0
    [Test]
    public void RSC19c_ProtocolHeadersJson()
    {
        var (scheduler, server, client) = Answering(Json(200, "[]"), o => o with { UseBinaryProtocol = false });
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Post, "/test", body: JObject.Parse("""{"data": "test"}"""), version: 3));

        Assert.That(server.HttpRequests[0].Header("Accept"), Is.EqualTo("application/json"));
        Assert.That(server.HttpRequests[0].Header("Content-Type"), Is.EqualTo("application/json"));
    }

    // UTS: rest/unit/RSC19c/protocol-headers-msgpack-1
    [Test]
    public void RSC19c_ProtocolHeadersMsgPack()
    {
        var (scheduler, server, client) = Answering(MsgPack(200, "[]"), o => o with { UseBinaryProtocol = true });
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Post, "/test", body: JObject.Parse("""{"data": "test"}"""), version: 3));

        Assert.That(server.HttpRequests[0].Header("Accept"), Is.EqualTo("application/x-msgpack"));
        Assert.That(server.HttpRequests[0].Header("Content-Type"), Is.EqualTo("application/x-msgpack"));
    }

    // UTS: rest/unit/RSC19c/body-encoded-per-protocol-2
    [TestCase(false)]
    [TestCase(true)]
    public void RSC19c_RequestBodyEncodedAccordingToProtocol(bool useBinaryProtocol)
    {
        var (scheduler, server, client) = Answering(
            useBinaryProtocol ? MsgPack(200, "[]") : Json(200, "[]"),
            o => o with { UseBinaryProtocol = useBinaryProtocol });
        using var _ = client;
        var sent = useBinaryProtocol ? """{"name": "event", "data": "value"}""" : """{"name": "event", "data": {"nested": "value"}}""";

        scheduler.Await(client.RequestAsync(HttpMethod.Post, "/test", body: JObject.Parse(sent), version: 3));

        // json_decode or msgpack_decode: the body must be valid in the configured format.
        var body = server.HttpRequests[0].BodyTree();
        Assert.That((string?)body["name"], Is.EqualTo("event"));
        Assert.That(useBinaryProtocol ? (string?)body["data"] : (string?)body["data"]!["nested"], Is.EqualTo("value"));
    }

    // UTS: rest/unit/RSC19c/response-decoded-by-content-type-3
    [TestCase("json")]
    [TestCase("msgpack")]
    public void RSC19c_ResponseBodyDecodedAccordingToContentType(string format)
    {
        var (scheduler, _, client) = Answering(format == "json"
            ? Text(200, """[{"id": "1", "name": "item1"}, {"id": "2", "name": "item2"}]""", "application/json")
            : MsgPack(200, """[{"id": "1"}]"""));
        using var __ = client;

        var items = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3)).Items;

        if (format == "json")
        {
            Assert.That(items, Has.Count.EqualTo(2));
            Assert.That((string?)items[0]["id"], Is.EqualTo("1"));
            Assert.That((string?)items[1]["name"], Is.EqualTo("item2"));
        }
        else
        {
            Assert.That(items, Has.Count.EqualTo(1));
            Assert.That((string?)items[0]["id"], Is.EqualTo("1"));
        }
    }

    /// <summary>The RSC19d cases' answer: an Ably error body from 400 up, an empty array below.</summary>
    private static Action<ScriptedHttpRequest> StatusAnswer(int status) =>
        status >= 400 ? Json(status, $$$"""{"error": {"code": {{{status * 100}}}, "message": "Error"}}""") : Json(status, "[]");

    // UTS: rest/unit/RSC19d/response-status-code-0
    [TestCase(200)]
    [TestCase(201)]
    [TestCase(400)]
    [TestCase(404)]
    [TestCase(500)]
    public void RSC19d_HP4_ResponseProvidesStatusCode(int status)
    {
        // NOTE: the spec queues one response; a 500 qualifies for the default fallback hosts (RSC15l3), so every host
        // gives the same answer, and the last one is the response.
        var (scheduler, _, client) = Answering(StatusAnswer(status));
        using var __ = client;

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(response.StatusCode, Is.EqualTo(status));
    }

    // UTS: rest/unit/RSC19d/response-success-indicator-1
    [TestCase(200, true)]
    [TestCase(201, true)]
    [TestCase(204, true)]
    [TestCase(299, true)]
    [TestCase(300, false)]
    [TestCase(400, false)]
    [TestCase(500, false)]
    public void RSC19d_HP5_ResponseProvidesSuccessIndicator(int status, bool expectedSuccess)
    {
        var (scheduler, _, client) = Answering(StatusAnswer(status));
        using var __ = client;

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(response.Success, Is.EqualTo(expectedSuccess));
    }

    // UTS: rest/unit/RSC19d/response-error-code-header-2
    [Test]
    public void RSC19d_HP6_ResponseProvidesErrorCodeFromHeader()
    {
        var (scheduler, _, client) = Answering(Json(401, """{"error": {"code": 40101, "message": "Unauthorized"}}""", Headers(("X-Ably-Errorcode", "40101"))));
        using var __ = client;

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(response.ErrorCode, Is.EqualTo(40101));
    }

    // UTS: rest/unit/RSC19d/response-error-message-header-3
    [Test]
    [Divergence("errorCode and errorMessage came from the error body and fell back to the X-Ably-Errorcode/X-Ably-Errormessage headers; HP6 and HP7 populate them from the headers, so the headers now come first and the body is the fallback.")]
    public void RSC19d_HP7_ResponseProvidesErrorMessageFromHeader()
    {
        var (scheduler, _, client) = Answering(Json(
            401,
            """{"error": {"code": 40101, "message": "Unauthorized"}}""",
            Headers(("X-Ably-Errorcode", "40101"), ("X-Ably-Errormessage", "Token expired"))));
        using var __ = client;

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(response.ErrorMessage, Is.EqualTo("Token expired"));
    }

    // UTS: rest/unit/RSC19d/response-headers-accessible-4
    [Test]
    public void RSC19d_HP8_ResponseProvidesAllHeaders()
    {
        var (scheduler, _, client) = Answering(Json(
            200,
            "[]",
            Headers(("Content-Type", "application/json"), ("X-Request-Id", "req-123"), ("X-Custom-Header", "custom-value"))));
        using var __ = client;

        var headers = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3)).Headers;

        Assert.That(headers["Content-Type"], Is.EqualTo("application/json"));
        Assert.That(headers["X-Request-Id"], Is.EqualTo("req-123"));
        Assert.That(headers["X-Custom-Header"], Is.EqualTo("custom-value"));
    }

    // UTS: rest/unit/RSC19d/response-items-decoded-5
    [Test]
    public void RSC19d_HP3_ResponseProvidesItems()
    {
        var (scheduler, _, client) = Answering(Json(200, """
            [{"id": "msg1", "name": "event1", "data": "data1"}, {"id": "msg2", "name": "event2", "data": "data2"}]
            """));
        using var __ = client;

        var items = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/channels/test/messages", version: 3)).Items;

        Assert.That(items, Has.Count.EqualTo(2));
        Assert.That((string?)items[0]["id"], Is.EqualTo("msg1"));
        Assert.That((string?)items[1]["id"], Is.EqualTo("msg2"));
    }

    // UTS: rest/unit/RSC19d/pagination-with-link-headers-6
    [Test]
    public void RSC19d_HP1_PaginationWithLinkHeaders()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(
            Json(200, """[{"id": "1"}, {"id": "2"}]""", Headers(("Link", "</channels/test/messages?page=2>; rel=\"next\""))),
            Json(200, """[{"id": "3"}]"""));
        using var client = server.CreateRest(o => o with { Key = Key });

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/channels/test/messages", version: 3));
        Assert.That(response.Items, Has.Count.EqualTo(2));
        Assert.That(response.HasNext, Is.True);

        response = scheduler.Await(response.NextAsync())!;
        Assert.That(response.Items, Has.Count.EqualTo(1));
        Assert.That((string?)response.Items[0]["id"], Is.EqualTo("3"));
        Assert.That(response.HasNext, Is.False);
    }

    // UTS: rest/unit/RSC19d/non-array-response-handling-7
    [Test]
    public void RSC19d_NonArrayResponseIsOneItem()
    {
        var (scheduler, _, client) = Answering(Json(200, """{"time": 1234567890000}"""));
        using var __ = client;

        var items = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/time", version: 3)).Items;

        Assert.That(items, Has.Count.EqualTo(1));
        Assert.That((long?)items[0]["time"], Is.EqualTo(1234567890000));
    }

    // UTS: rest/unit/RSC19e/network-error-propagated-0
    [Test]
    public void RSC19e_NetworkErrorIsPropagated()
    {
        var (scheduler, _, client) = Answering(r => r.RefuseConnection(), o => o with { FallbackHosts = Array.Empty<string>() });
        using var __ = client;

        var error = scheduler.AwaitFailure(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        // NOTE: "message CONTAINS" read as a case-insensitive search for the word.
        Assert.That(
            error.Code == 80000 || error.Message.Contains("network", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("connection", StringComparison.OrdinalIgnoreCase),
            error.ToString());
    }

    // UTS: rest/unit/RSC19e/timeout-error-handling-1
    [Test]
    public void RSC19e_TimeoutErrorIsPropagated()
    {
        var (scheduler, _, client) = Answering(
            r => r.RespondWith(200, "[]", delay: TimeSpan.FromMilliseconds(5000)),
            o => o with { HttpRequestTimeout = TimeSpan.FromMilliseconds(1000), FallbackHosts = Array.Empty<string>() });
        using var __ = client;

        var error = scheduler.AwaitFailure(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(error.Code == 50003 || error.Message.Contains("timeout", StringComparison.Ordinal), error.ToString());
    }

    // UTS: rest/unit/RSC19e/http-error-no-fallback-2
    [Test]
    public void RSC19e_HttpErrorStatusDoesNotTriggerFallback()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(400, """{"error": {"code": 40000, "message": "Bad request"}}""", Headers(("X-Ably-Errorcode", "40000"))));
        using var client = server.CreateRest(o => o with { Key = Key, FallbackHosts = new[] { "a.ably-realtime.com", "b.ably-realtime.com" } });

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(response.Success, Is.False);
        Assert.That(response.ErrorCode, Is.EqualTo(40000));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
    }

    // UTS: rest/unit/RSC19e/fallback-on-server-error-3
    [Test]
    public void RSC19e_RSC15_FallbackHostsTriedOnServerErrors()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Text(500, "Internal Server Error", "text/plain"), Json(200, """[{"id": "1"}]"""));
        using var client = server.CreateRest(o => o with { Key = Key, FallbackHosts = new[] { "fallback.ably-realtime.com" } });

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", version: 3));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Success, Is.True);
        Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
        Assert.That(server.HttpRequests[1].Host, Is.EqualTo("fallback.ably-realtime.com"));
    }

    // UTS: rest/unit/RSC19b/cannot-override-auth-1
    [Test]
    public void RSC19b_CustomHeadersCannotOverrideAuthentication()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(Json(200, "[]"));
        using var client = server.CreateRest(o => o with { Key = Key });

        scheduler.Await(client.RequestAsync(HttpMethod.Get, "/test", headers: Pairs(("Authorization", "Bearer malicious-token")), version: 3));

        var authorization = server.HttpRequests[0].Header("Authorization");
        Assert.That(authorization, Does.StartWith("Basic "));
        Assert.That(authorization, Is.Not.EqualTo("Bearer malicious-token"));
    }

    // UTS: rest/unit/RSC19f/path-leading-slash-handling-4
    [TestCase("/channels/test", "/channels/test")]
    [TestCase("channels/test", "/channels/test")]
    public void RSC19f_PathWithOrWithoutLeadingSlash(string path, string expectedPath)
    {
        var (scheduler, server, client) = Answering(Json(200, "[]"));
        using var _ = client;

        scheduler.Await(client.RequestAsync(HttpMethod.Get, path, version: 3));

        Assert.That(server.HttpRequests[0].Path, Is.EqualTo(expectedPath));
    }

    // UTS: rest/unit/RSC19d/empty-response-handling-8
    [Test]
    public void RSC19d_EmptyResponseHandling()
    {
        var (scheduler, _, client) = Answering(r => r.RespondWith(204, (string?)null));
        using var __ = client;

        var response = scheduler.Await(client.RequestAsync(HttpMethod.Delete, "/channels/test/messages/123", version: 3));

        Assert.That(response.StatusCode, Is.EqualTo(204));
        Assert.That(response.Success, Is.True);
        Assert.That(response.Items, Is.Empty);
    }
}
