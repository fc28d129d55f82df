using System.Net;
using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Tests.Http;

[TestFixture]
public sealed class FallbackTests
{
    private const string Primary = "main.realtime.ably.net";

    private static FakeHttpHandler FailPrimary(HttpStatusCode status, params (string, string)[] headers) =>
        new(r => r.Host == Primary ? FakeHttpHandler.Error(status, (int)status * 100, "fail", headers) : FakeHttpHandler.Json("[1000]"));

    [TestCase(500)]
    [TestCase(501)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public async Task RSC15l3_FallbackOn5xx(int status)
    {
        var handler = FailPrimary((HttpStatusCode)status);
        using var rest = TestClients.Rest(handler);

        var time = await rest.TimeAsync();

        Assert.That(time.ToUnixTimeMilliseconds(), Is.EqualTo(1000));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));
        Assert.That(handler.Requests[0].Host, Is.EqualTo(Primary));
        Assert.That(handler.Requests[1].Host, Does.Match(@"^main\.[a-e]\.fallback\.ably-realtime\.com$"));
    }

    [TestCase(400)]
    [TestCase(401)]
    [TestCase(404)]
    public void RSC15l_NoFallbackOn4xx(int status)
    {
        var handler = FailPrimary((HttpStatusCode)status);
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(status));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RSC15l4_CloudFrontErrorTriggersFallback()
    {
        var handler = FailPrimary(HttpStatusCode.Forbidden, ("Server", "CloudFront"));
        using var rest = TestClients.Rest(handler);

        await rest.TimeAsync();

        Assert.That(handler.Requests, Has.Count.EqualTo(2));
        Assert.That(handler.Requests[1].Host, Is.Not.EqualTo(Primary));
    }

    [Test]
    public async Task RSC15l1_UnreachableHostTriggersFallback()
    {
        var handler = new FakeHttpHandler(r => r.Host == Primary ? throw new HttpRequestException("Connection refused") : FakeHttpHandler.Json("[1]"));
        using var rest = TestClients.Rest(handler);

        await rest.TimeAsync();

        Assert.That(handler.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task RSC15l2_RequestTimeoutTriggersFallback()
    {
        // The primary never answers; the client's own HttpRequestTimeout cancels it.
        var handler = new FakeHttpHandler(async (r, ct) =>
        {
            if (r.Host == Primary)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return FakeHttpHandler.Json("[1]");
        });
        using var rest = TestClients.Rest(handler, o => o with { HttpRequestTimeout = TimeSpan.FromMilliseconds(200) });

        await rest.TimeAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(handler.Requests, Has.Count.EqualTo(2));
        Assert.That(handler.Requests[1].Host, Is.Not.EqualTo(Primary));
    }

    [Test]
    public void RSC15l2_TimeoutWithoutFallbackFailsWith50003()
    {
        var handler = new FakeHttpHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return FakeHttpHandler.Json("[1]");
        });
        using var rest = TestClients.Rest(handler, o => o with { HttpRequestTimeout = TimeSpan.FromMilliseconds(100), FallbackHosts = Array.Empty<string>() });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.Timeout));
    }

    [Test]
    public void RSC15a_AtMostHttpMaxRetryCountFallbacks()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.InternalServerError, 50000));
        using var rest = TestClients.Rest(handler, o => o with { HttpMaxRetryCount = 2 });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(500));
        Assert.That(handler.Requests, Has.Count.EqualTo(3), "the primary and two fallbacks");
        Assert.That(handler.Requests.Select(r => r.Host).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void RSC15a_FallbacksStopAfterHttpMaxRetryDurationOnTheSchedulerClock()
    {
        var scheduler = new TestScheduler();
        var handler = new FakeHttpHandler(_ =>
        {
            // Each attempt "takes" 10 s of scheduler time.
            scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
            return FakeHttpHandler.Error(HttpStatusCode.ServiceUnavailable, 50300);
        });
        using var rest = TestClients.Rest(handler, o => o with { HttpMaxRetryCount = 5, HttpMaxRetryDuration = TimeSpan.FromSeconds(15) }, scheduler);

        Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(handler.Requests, Has.Count.EqualTo(2), "the second attempt ends at 20 s, past the 15 s budget");
    }

    [Test]
    public void RSC15m_NoFallbackWhenFallbackHostsIsEmpty()
    {
        var handler = FailPrimary(HttpStatusCode.InternalServerError);
        using var rest = TestClients.Rest(handler, o => o with { FallbackHosts = Array.Empty<string>() });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(500));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void REC1b2_LiteralEndpointHasNoFallback()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.InternalServerError, 50000));
        using var rest = TestClients.Rest(handler, o => o with { Endpoint = "127.0.0.1", Tls = false, Port = 8080, AllowInsecureBasicAuth = true });

        Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(handler.Requests.Single().Uri.ToString(), Is.EqualTo("http://127.0.0.1:8080/time"));
    }

    [Test]
    public async Task RSC15j_HostHeaderMatchesTheHostTried()
    {
        var handler = FailPrimary(HttpStatusCode.InternalServerError);
        using var rest = TestClients.Rest(handler);

        await rest.TimeAsync();

        foreach (var request in handler.Requests)
        {
            Assert.That(request.Header("Host"), Is.EqualTo(request.Host));
        }
    }

    [Test]
    public async Task RSC15f_SuccessfulFallbackIsReusedThenPrimaryAfterFallbackRetryTimeout()
    {
        var scheduler = new TestScheduler();
        var primaryDown = true;
        var handler = new FakeHttpHandler(r => r.Host == Primary && primaryDown
            ? FakeHttpHandler.Error(HttpStatusCode.InternalServerError, 50000)
            : FakeHttpHandler.Json("[1]"));
        using var rest = TestClients.Rest(handler, o => o with { FallbackRetryTimeout = TimeSpan.FromSeconds(60) }, scheduler);

        await rest.TimeAsync();
        var fallback = handler.Requests[1].Host;
        await rest.TimeAsync();
        primaryDown = false;
        scheduler.AdvanceBy(TimeSpan.FromSeconds(61).Ticks);
        await rest.TimeAsync();

        Assert.That(handler.Requests.Select(r => r.Host), Is.EqualTo(new[] { Primary, fallback, fallback, Primary }));
    }

    [Test]
    public async Task RSL1k_FallbackRetryResendsTheSameIdempotentIds()
    {
        var handler = FailPrimary(HttpStatusCode.ServiceUnavailable);
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync("n", "d");

        Assert.That(handler.Requests, Has.Count.EqualTo(2));
        Assert.That(handler.Requests[1].BodyText, Is.EqualTo(handler.Requests[0].BodyText));
        Assert.That((string?)handler.Requests[0].BodyJson[0]!["id"], Does.EndWith(":0"));
    }
}
