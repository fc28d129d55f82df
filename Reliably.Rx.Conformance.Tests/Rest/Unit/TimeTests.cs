using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/time.md (RSC16): <c>RestClient#time</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/time.md")]
public sealed class TimeTests
{
    private const long ServerTimeMs = 1704067200000;

    /// <summary>The setup most cases share: every request answered with the server time, a client with a key.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRest Client) TimeServer(Func<ClientOptions, ClientOptions>? configure = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(200, $"[{ServerTimeMs}]");
        var client = server.CreateRest(o => (configure ?? (x => x))(o with { Key = "app.key:secret" }));
        return (scheduler, server, client);
    }

    // UTS: rest/unit/RSC16/returns-server-time-0
    [Test]
    public void RSC16_TimeReturnsServerTime()
    {
        var (scheduler, server, client) = TimeServer();
        using var _ = client;

        var result = scheduler.Await(client.TimeAsync());

        Assert.That(result.ToUnixTimeMilliseconds(), Is.EqualTo(ServerTimeMs));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(server.HttpRequests[0].Path, Is.EqualTo("/time"));
    }

    // UTS: rest/unit/RSC16/request-format-get-time-1
    [Test]
    public void RSC16_TimeRequestFormat()
    {
        var (scheduler, server, client) = TimeServer();
        using var _ = client;

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var request = server.HttpRequests[0];
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Path, Is.EqualTo("/time"));
        Assert.That(request.Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(request.Header("Ably-Agent"), Is.Not.Null);
    }

    // UTS: rest/unit/RSC16/no-auth-required-2
    [Test]
    public void RSC16_TimeDoesNotRequireAuthentication()
    {
        var (scheduler, server, client) = TimeServer();
        using var _ = client;

        var result = scheduler.Await(client.TimeAsync());

        Assert.That(result.ToUnixTimeMilliseconds(), Is.EqualTo(ServerTimeMs));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Header("Authorization"), Is.Null);
    }

    // UTS: rest/unit/RSC16/works-without-tls-3
    [Test]
    public void RSC16_TimeWorksWithoutTls()
    {
        var (scheduler, server, client) = TimeServer(o => o with { Tls = false, UseTokenAuth = true });
        using var _ = client;

        var result = scheduler.Await(client.TimeAsync());

        Assert.That(result.ToUnixTimeMilliseconds(), Is.EqualTo(ServerTimeMs));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Uri.Scheme, Is.EqualTo("http"));
        Assert.That(server.HttpRequests[0].Header("Authorization"), Is.Null);
    }

    // UTS: rest/unit/RSC16/error-propagated-4
    [Test]
    public void RSC16_TimeErrorIsPropagated()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(500, """{"error": {"message": "Internal server error", "code": 50000, "statusCode": 500}}""");
        using var client = server.CreateRest(o => o with { Key = "app.key:secret" });

        var error = scheduler.AwaitFailure(client.TimeAsync());

        Assert.That(error.StatusCode, Is.EqualTo(500));
        Assert.That(error.Code, Is.EqualTo(50000));
    }
}
