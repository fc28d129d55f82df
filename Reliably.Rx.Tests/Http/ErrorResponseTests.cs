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
    public async Task RSC8d_ResponseIsDecodedByItsContentTypeWhateverWasRequested()
    {
        var handler = new FakeHttpHandler(_ =>
        {
            // msgpack [1234567890000] although the client asked for JSON.
            var body = new byte[] { 0x91, 0xcf, 0, 0, 0x01, 0x1f, 0x71, 0xfb, 0x04, 0x50 };
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
            response.Content.Headers.ContentType = new("application/x-msgpack");
            return response;
        });
        using var rest = TestClients.Rest(handler);

        var time = await rest.TimeAsync();

        Assert.That(time.ToUnixTimeMilliseconds(), Is.EqualTo(1234567890000));
    }

    [Test]
    public void RSC8e_UnsupportedContentTypeOnSuccessIs40013()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(HttpStatusCode.OK, "<html>OK</html>", "text/html"));
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidMessageDataOrEncoding));
        Assert.That(ex.StatusCode, Is.EqualTo(400));
    }

    [Test]
    public void RSC8e_UnsupportedContentTypeOnErrorKeepsTheStatus()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Text(HttpStatusCode.InternalServerError, "<html>Server Error</html>", "text/html"));
        using var rest = TestClients.Rest(handler, o => o with { FallbackHosts = Array.Empty<string>() });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(500));
    }

    [Test]
    public void RSC8_MsgPackErrorBodyIsDecoded()
    {
        var handler = new FakeHttpHandler(_ =>
        {
            var tree = Newtonsoft.Json.Linq.JObject.Parse("{\"error\":{\"code\":40099,\"statusCode\":400,\"message\":\"Test error\"}}");
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            Reliably.Rx.Serialization.ProtocolCodecs.MsgPack.WriteTree(tree, buffer);
            var response = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new ByteArrayContent(buffer.WrittenMemory.ToArray()) };
            response.Content.Headers.ContentType = new("application/x-msgpack");
            return response;
        });
        using var rest = TestClients.Rest(handler, o => o with { UseBinaryProtocol = true });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(40099));
        Assert.That(ex.StatusCode, Is.EqualTo(400));
        Assert.That(ex.Message, Is.EqualTo("Test error"));
    }

    [Test]
    public void RSC17_ClientIdAttributeMatchesAuth()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => FakeHttpHandler.Json("[]")), o => o with { ClientId = "explicit-client-id" });
        Assert.That(rest.ClientId, Is.EqualTo("explicit-client-id"));
        Assert.That(rest.ClientId, Is.EqualTo(rest.Auth.ClientId));
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
