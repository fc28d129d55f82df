using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration.Proxy;

/// <summary>
/// uts/rest/integration/proxy/rest_fallback.md (RSC15l, RSC15l2, RSC15l4, RSL1k4): the client's real HTTP stack through
/// a loopback fault-injecting proxy (<see cref="HttpFaultProxy"/>) in front of the emulator, which delays, drops, answers
/// or replaces the answer to the first matching request. Tokens come from an inner REST client that talks to the emulator
/// directly, so token requests are never faulted.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/proxy/rest_fallback.md")]
[NonParallelizable]
public sealed class RestFallbackTests : RestSandbox
{
    private const string SecondLoopbackFallback =
        "the primary host is 127.0.0.1 and the fallback host 127.0.0.2, both the proxy's: the client never tries a fallback host " +
        "equal to the primary (the spec's localhost twice), so the retry needs a second name for the same proxy";

    private HttpFaultProxy? _session;

    [TearDown]
    public async Task CloseSession()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
            _session = null;
        }
    }

    /// <summary>The specs' <c>create_proxy_session(endpoint: "nonprod:sandbox", rules: [rule])</c>.</summary>
    private async Task<HttpFaultProxy> SessionAsync(HttpFaultRule rule)
    {
        _session = await HttpFaultProxy.StartAsync(Emulator.BaseUri, rule).WaitAsync(Wait);
        return _session;
    }

    /// <summary>
    /// <c>ClientOptions(authCallback: token_auth_callback(api_key), endpoint: "localhost", port, tls: false,
    /// useBinaryProtocol: false)</c>, with the fallback host when <paramref name="withFallback"/> is set.
    /// </summary>
    private AblyRest ClientThrough(int port, bool withFallback, Func<ClientOptions, ClientOptions>? configure = null) =>
        Rest(o =>
        {
            var options = o with
            {
                Key = null,
                AuthCallback = TokenAuthCallback,
                Endpoint = "127.0.0.1",
                Port = port,
                Tls = false,
                UseBinaryProtocol = false,
                FallbackHosts = withFallback ? ["127.0.0.2"] : null,
            };
            return configure is null ? options : configure(options);
        });

    /// <summary>The spec's token_auth_callback: a token from an inner REST client with the key, straight to the emulator.</summary>
    private async Task<object> TokenAuthCallback(TokenParams tokenParams, CancellationToken cancellationToken)
    {
        await using var innerRest = new AblyRest(SandboxOptions());
        return await innerRest.Auth.RequestTokenAsync(cancellationToken: cancellationToken);
    }

    private static HttpFaultRule RespondToTime(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new("/time", HttpFaultAction.Respond) { Status = status, Body = body, Headers = headers };

    // UTS: rest/proxy/RSC15l2/timeout-triggers-fallback-0
    [Test]
    [Adapted(SecondLoopbackFallback)]
    public async Task RSC15l_RSC15l2_RequestTimeoutTriggersFallback()
    {
        var session = await SessionAsync(new HttpFaultRule("/time", HttpFaultAction.Delay) { Delay = TimeSpan.FromMilliseconds(20000) });
        var client = ClientThrough(session.Port, withFallback: true, o => o with { HttpRequestTimeout = TimeSpan.FromMilliseconds(3000) });

        var result = await Await(client.TimeAsync());

        Assert.That(result, Is.GreaterThan(DateTimeOffset.UnixEpoch));
        Assert.That(session.Requests("/time"), Has.Count.GreaterThanOrEqualTo(2));
    }

    // UTS: rest/proxy/RSC15l4/cloudfront-header-fallback-0
    [Test]
    [Adapted(SecondLoopbackFallback)]
    public async Task RSC15l_RSC15l4_CloudFrontServerHeaderTriggersFallback()
    {
        var session = await SessionAsync(RespondToTime(
            403, """{"error":{"message":"Forbidden","code":40300,"statusCode":403}}""", new Dictionary<string, string> { ["Server"] = "CloudFront" }));
        var client = ClientThrough(session.Port, withFallback: true);

        var result = await Await(client.TimeAsync());

        Assert.That(result, Is.GreaterThan(DateTimeOffset.UnixEpoch));
        Assert.That(session.Requests("/time"), Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(session.Responses[0].Status, Is.EqualTo(403));
    }

    // UTS: rest/proxy/RSC15l/unreachable-endpoint-error-0
    [Test]
    [Adapted("the port is one the test holds bound without listening rather than a fixed 19999, so nothing can be listening on it; " +
        "ErrorInfo's code and statusCode are integers in .NET, so 'not null' is 'set' (non-zero)")]
    public async Task RSC15l_UnreachableEndpointSurfacesError()
    {
        using var closedPort = LoopbackPorts.ReserveClosed();
        var client = ClientThrough(closedPort.Port, withFallback: false);

        var error = await AwaitFailure(client.TimeAsync());

        Assert.That(error, Is.Not.Null);
        Assert.That(error.StatusCode != 0 || error.Code != 0, Is.True, $"code {error.Code}, statusCode {error.StatusCode}");
    }

    // UTS: rest/proxy/RSC15l/connection-drop-fallback-1
    [Test]
    [Adapted(SecondLoopbackFallback)]
    public async Task RSC15l_ConnectionDropRetriedOnFallback()
    {
        var session = await SessionAsync(new HttpFaultRule("/time", HttpFaultAction.Drop));
        var client = ClientThrough(session.Port, withFallback: true);

        var result = await Await(client.TimeAsync());

        Assert.That(result, Is.GreaterThan(DateTimeOffset.UnixEpoch));
        Assert.That(session.Requests("/time"), Has.Count.GreaterThanOrEqualTo(2));
    }

    // UTS: rest/proxy/RSC15l/http-5xx-json-error-parsed-0
    [Test]
    public async Task RSC15l_Http5xxWithJsonErrorBodyParsed()
    {
        var session = await SessionAsync(RespondToTime(503, """{"error":{"code":50300,"statusCode":503,"message":"Service temporarily unavailable"}}"""));
        var client = ClientThrough(session.Port, withFallback: false);

        var error = await AwaitFailure(client.TimeAsync());

        Assert.That(error.Code, Is.EqualTo(50300));
        Assert.That(error.StatusCode, Is.EqualTo(503));
        Assert.That(error.ErrorInfo.Message, Does.Contain("Service temporarily unavailable"));
    }

    // UTS: rest/proxy/RSC15l/http-5xx-no-json-synthesized-1
    [Test]
    public async Task RSC15l_Http5xxWithoutJsonErrorSynthesized()
    {
        var session = await SessionAsync(RespondToTime(503, "{}"));
        var client = ClientThrough(session.Port, withFallback: false);

        var error = await AwaitFailure(client.TimeAsync());

        Assert.That(error.StatusCode, Is.EqualTo(503));
    }

    // UTS: rest/proxy/RSC15l/http-4xx-not-retried-0
    [Test]
    [Adapted(SecondLoopbackFallback)]
    public async Task RSC15l_Http4xxNotRetriedErrorParsed()
    {
        var session = await SessionAsync(RespondToTime(403, """{"error":{"code":40300,"statusCode":403,"message":"Forbidden"}}"""));
        var client = ClientThrough(session.Port, withFallback: true);

        var error = await AwaitFailure(client.TimeAsync());

        Assert.That(error.Code, Is.EqualTo(40300));
        Assert.That(error.StatusCode, Is.EqualTo(403));
        Assert.That(session.Requests("/time"), Has.Count.EqualTo(1));
    }

    // UTS: rest/proxy/RSL1k4/idempotent-retry-dedup-0
    [Test]
    [Adapted(SecondLoopbackFallback)]
    public async Task RSL1k4_IdempotentPublishRetryDeduplicated()
    {
        var session = await SessionAsync(new HttpFaultRule("/channels/", HttpFaultAction.ReplaceResponse, Method: "POST")
        {
            Status = 503,
            Body = """{"error":{"code":50300,"statusCode":503,"message":"Service temporarily unavailable"}}""",
        });
        var client = ClientThrough(session.Port, withFallback: true, o => o with { IdempotentRestPublishing = true });
        var channel = client.Channels.Get(UniqueChannel("test-RSL1k4-idempotent"));

        await channel.PublishAsync("test", "data").WaitAsync(Wait);

        var history = await Await(channel.HistoryAsync());
        var matching = history.Items.Where(m => m.Name == "test" && Equals(m.Data, "data")).ToList();
        Assert.That(matching, Has.Count.EqualTo(1));
        Assert.That(session.Requests("/channels/", method: "POST"), Has.Count.GreaterThanOrEqualTo(2));
    }
}
