using System.Net;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;
using System.Text;
using System.Web;

namespace Reliably.Rx.Testing;

/// <summary>
/// One HTTP request reaching a <see cref="ScriptedAbly"/>: the test inspects it (method, URL, headers, body) and answers
/// it with a response of its choosing, a refused connection, or nothing at all (the client's httpRequestTimeout then
/// fires, on its scheduler). The answer reaches the client after the network latency and any delay given.
/// </summary>
public sealed class ScriptedHttpRequest
{
    private readonly TaskCompletionSource<HttpResponseMessage> _answer;
    private readonly HttpRequestMessage _message;

    internal ScriptedHttpRequest(ScriptedAbly server, HttpRequestMessage message, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, TaskCompletionSource<HttpResponseMessage> answer)
    {
        Server = server;
        _message = message;
        _answer = answer;
        Method = message.Method;
        Uri = message.RequestUri!;
        Headers = headers;
        Body = body;
        ReceivedAt = server.Scheduler.Now;
    }

    /// <summary>The server it reached.</summary>
    public ScriptedAbly Server { get; }

    /// <summary>GET, POST, ...</summary>
    public HttpMethod Method { get; }

    /// <summary>The full URL (host, path and query).</summary>
    public Uri Uri { get; }

    /// <summary>The host the client tried (the primary, or a fallback).</summary>
    public string Host => Uri.Host;

    /// <summary>The path, e.g. <c>/channels/chat/messages</c> (escaped as sent).</summary>
    public string Path => Uri.AbsolutePath;

    /// <summary>Every header as sent, content headers included, and <c>Host</c> as the socket handler would send it.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body's bytes (empty when none).</summary>
    public byte[] Body { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>When the request reached the server (scheduler time).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>True once answered (or refused).</summary>
    public bool IsAnswered => _answer.Task.IsCompleted || Answered;

    private bool Answered { get; set; }

    /// <summary>A header's first value (case-insensitive), or null.</summary>
    /// <param name="name">The header's name.</param>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A query parameter, or null.</summary>
    /// <param name="name">The parameter's name.</param>
    public string? Query(string name) => HttpUtility.ParseQueryString(Uri.Query)[name];

    /// <summary>Answers with a status and, optionally, a JSON body and headers.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="json">The body, as JSON text (sent as <c>application/json</c>).</param>
    /// <param name="headers">Extra response headers; a <c>Content-Type</c> among them replaces <c>application/json</c>.</param>
    /// <param name="delay">Extra time before the answer leaves the server.</param>
    public void RespondWith(int status, string? json = null, IReadOnlyDictionary<string, string>? headers = null, TimeSpan delay = default) =>
        RespondWith(status, json is null ? null : Encoding.UTF8.GetBytes(json), json is null ? null : "application/json", headers, delay);

    /// <summary>Answers with a status, a body of any content type, and headers.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body's bytes.</param>
    /// <param name="contentType">The body's content type.</param>
    /// <param name="headers">Extra response headers; a <c>Content-Type</c> among them replaces <paramref name="contentType"/>.</param>
    /// <param name="delay">Extra time before the answer leaves the server.</param>
    public void RespondWith(int status, byte[]? body, string? contentType, IReadOnlyDictionary<string, string>? headers = null, TimeSpan delay = default)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { RequestMessage = _message, Content = new ByteArrayContent(body ?? []) };
        if (contentType is not null)
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                // Replaces the body's content type (a second value would make the header a list).
                response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                continue;
            }

            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        Complete(delay, () => _answer.TrySetResult(response));
    }

    /// <summary>The connection is refused: the client sees a network failure (which qualifies for fallback, RSC15l1).</summary>
    public void RefuseConnection() =>
        Complete(TimeSpan.Zero, () => _answer.TrySetException(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (scripted)")));

    /// <summary>The host name does not resolve (a DNS failure): the client sees a network failure (RSC15l1).</summary>
    public void FailNameResolution() =>
        Complete(TimeSpan.Zero, () => _answer.TrySetException(new HttpRequestException(HttpRequestError.NameResolutionError, "No such host is known (scripted)")));

    /// <summary>A short description, for test output.</summary>
    public override string ToString() => Method + " " + Uri;

    private void Complete(TimeSpan delay, Action complete)
    {
        if (Answered)
        {
            throw new InvalidOperationException("This request has been answered already.");
        }

        Answered = true;
        Server.Scheduler.Schedule(Server.Latency + delay, complete);
    }
}
