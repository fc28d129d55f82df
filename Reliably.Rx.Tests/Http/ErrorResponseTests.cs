using System.Net;

namespace Reliably.Rx.Tests.Http;

[TestFixture]
public sealed class ErrorResponseTests
{
    [Test]
    public void RSC19_AblyErrorBodyBecomesTheException()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.Unauthorized, 40160, "not permitted"));
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(40160));
        Assert.That(ex.StatusCode, Is.EqualTo(401));
        Assert.That(ex.Message, Is.EqualTo("not permitted"));
    }

    [Test]
    public void HP6_ErrorHeadersAreUsedWhenTheBodyHasNoError()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(HttpStatusCode.BadRequest, "nope")
            .Also(r => r.Headers.Add("X-Ably-Errorcode", "40099"))
            .Also(r => r.Headers.Add("X-Ably-Errormessage", "from header")));
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(40099));
        Assert.That(ex.Message, Is.EqualTo("from header"));
    }

    [TestCase(HttpStatusCode.NotFound, 40400)]
    [TestCase(HttpStatusCode.BadRequest, 40000)]
    public void NonAblyErrorBodyGetsAStatusBasedCode(HttpStatusCode status, int code)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(status, "<html>proxy error</html>", "text/html"));
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(code));
        Assert.That(ex.StatusCode, Is.EqualTo((int)status));
    }

    [Test]
    public void GarbledJsonErrorBodyStillFailsWithAnAblyException()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.InternalServerError, "{\"error\":"));
        using var rest = TestClients.Rest(handler, o => o with { FallbackHosts = Array.Empty<string>() });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(50000));
    }

    [Test]
    public void GarbledSuccessBodyFailsWithAnAblyException()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("[{\"name\":"));
        using var rest = TestClients.Rest(handler);

        Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());
    }

    [Test]
    public void UnreachableHostWithoutFallbackFailsWithAnAblyException()
    {
        var handler = new FakeHttpHandler(_ => throw new HttpRequestException("Connection refused"));
        using var rest = TestClients.Rest(handler, o => o with { FallbackHosts = Array.Empty<string>() });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InternalError));
        Assert.That(ex.InnerException, Is.InstanceOf<HttpRequestException>());
    }
}

internal static class HttpResponseMessageExtensions
{
    public static HttpResponseMessage Also(this HttpResponseMessage response, Action<HttpResponseMessage> action)
    {
        action(response);
        return response;
    }
}
