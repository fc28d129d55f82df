using System.Net;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>The connectivity check (REC3) as the connection makes it before trying fallback hosts (RTN17j).</summary>
[TestFixture]
public sealed class ConnectivityCheckTests
{
    private const string DefaultUrl = "https://internet-up.ably-realtime.com/is-the-internet-up.txt";

    [Test]
    public async Task REC3a_the_default_URL_is_Ably_s_and_a_yes_means_reachable()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(HttpStatusCode.OK, "yes\n"));
        await using var client = Client(handler);

        Assert.That(await client.Connection.CheckConnectivityAsync(), Is.True);
        var request = handler.Requests.Single();
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Uri.ToString(), Is.EqualTo(DefaultUrl));
    }

    [Test]
    public async Task REC3b_a_custom_URL_replaces_the_default_and_any_2xx_means_reachable()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(HttpStatusCode.OK, "ok"));
        await using var client = Client(handler, "https://custom.example.com/connectivity");

        Assert.That(await client.Connection.CheckConnectivityAsync(), Is.True);
        Assert.That(handler.Requests.Select(r => r.Uri.ToString()), Is.EqualTo(new[] { "https://custom.example.com/connectivity" }));
    }

    [TestCase(HttpStatusCode.OK, "no", TestName = "REC3_a_body_other_than_yes_is_not_reachable")]
    [TestCase(HttpStatusCode.OK, "", TestName = "REC3_an_empty_body_is_not_reachable")]
    [TestCase(HttpStatusCode.NotFound, "yes", TestName = "REC3_an_error_status_is_not_reachable")]
    public async Task Default_URL_answers_that_do_not_count(HttpStatusCode status, string body)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(status, body));
        await using var client = Client(handler);

        Assert.That(await client.Connection.CheckConnectivityAsync(), Is.False);
    }

    [Test]
    public async Task REC3_a_network_error_is_not_reachable_and_does_not_throw()
    {
        var handler = new FakeHttpHandler(_ => throw new HttpRequestException("no route to host"));
        await using var client = Client(handler);

        Assert.That(await client.Connection.CheckConnectivityAsync(), Is.False);
    }

    [Test]
    public async Task REC3_a_hanging_check_gives_up_after_httpRequestTimeout()
    {
        var handler = new FakeHttpHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return FakeHttpHandler.Text(HttpStatusCode.OK, "yes");
        });
        await using var client = Client(handler);

        var result = await client.Connection.CheckConnectivityAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(result, Is.False);
    }

    private static AblyRealtime Client(FakeHttpHandler handler, string? url = null) => new(new ClientOptions
    {
        Key = "appId.keyId:secret",
        AutoConnect = false,
        ConnectivityCheckUrl = url,
        HttpMessageHandlerFactory = () => handler,
        HttpRequestTimeout = TimeSpan.FromMilliseconds(300),
    });
}
