using System.Net;

namespace Reliably.Rx.Http;

/// <summary>An HTTP response as the REST layer sees it: status, headers (case-insensitive), content type and body.</summary>
internal sealed record RestResponse(
    HttpStatusCode StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    byte[] Body,
    string Host)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>Reads all headers of a response, joining repeated ones with ", " (as RFC 9110 allows).</summary>
    public static async Task<RestResponse> ReadAsync(HttpResponseMessage message, string host, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in message.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        foreach (var (name, values) in message.Content.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        var body = await message.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new RestResponse(message.StatusCode, headers, message.Content.Headers.ContentType?.MediaType, body, host);
    }
}
