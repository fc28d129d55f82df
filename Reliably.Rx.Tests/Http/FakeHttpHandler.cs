using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Http;

/// <summary>A request as the fake handler saw it.</summary>
public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? ContentType)
{
    public string Host => Uri.Host;

    public string Path => Uri.AbsolutePath;

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public IReadOnlyDictionary<string, string> Query =>
        Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty);

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public JToken BodyJson => JToken.Parse(BodyText);
}

/// <summary>
/// An HttpMessageHandler for unit tests: records every request and answers through a responder function (which may
/// throw HttpRequestException to simulate an unreachable host, or wait on the cancellation token to simulate a hang).
/// </summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> _responder;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    public FakeHttpHandler(Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> responder) => _responder = responder;

    public FakeHttpHandler(Func<CapturedRequest, HttpResponseMessage> responder)
        : this((r, _) => Task.FromResult(responder(r)))
    {
    }

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToArray();

    public bool Disposed { get; private set; }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json)) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    public static HttpResponseMessage Json(string json) => Json(HttpStatusCode.OK, json);

    public static HttpResponseMessage Error(HttpStatusCode status, int code, string message = "boom", params (string Name, string Value)[] headers) =>
        Json(status, new JObject { ["error"] = new JObject { ["code"] = code, ["statusCode"] = (int)status, ["message"] = message } }.ToString(), headers);

    public static HttpResponseMessage Text(HttpStatusCode status, string text, string mediaType = "text/plain")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(text) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return response;
    }

    /// <summary>A token details reply for a requestToken call.</summary>
    public static HttpResponseMessage Token(string token, DateTimeOffset? expires = null, string? clientId = null) =>
        Json(new JObject
        {
            ["token"] = token,
            ["keyName"] = "appId.keyId",
            ["issued"] = 1_700_000_000_000L,
            ["expires"] = (expires ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeMilliseconds(),
            ["capability"] = "{\"*\":[\"*\"]}",
            ["clientId"] = clientId,
        }.ToString());

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        byte[] body = Array.Empty<byte>();
        string? contentType = null;
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            contentType = request.Content.Headers.ContentType?.MediaType;
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        // HttpClient adds Host on the wire; record what it will be (RSC15j).
        headers.TryAdd("Host", request.RequestUri!.IsDefaultPort ? request.RequestUri.Host : request.RequestUri.Authority);
        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, body, contentType);
        _requests.Enqueue(captured);
        var response = await _responder(captured, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
