using System.Globalization;
using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Http;

namespace Reliably.Rx;

/// <summary>
/// The answer to a generic <c>AblyRest.RequestAsync</c> (RSC19, HP): the status, headers and error of the HTTP
/// response, and its body as JSON items. An HTTP error does not throw; check <see cref="Success"/>.
/// </summary>
public sealed class HttpPaginatedResponse
{
    private readonly PageLinks _links;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>, CancellationToken, Task<HttpPaginatedResponse>>? _fetch;

    internal HttpPaginatedResponse(
        int statusCode,
        IReadOnlyDictionary<string, string> headers,
        IReadOnlyList<JToken> items,
        ErrorInfo? error,
        PageLinks links,
        Func<IReadOnlyList<KeyValuePair<string, string>>, CancellationToken, Task<HttpPaginatedResponse>>? fetch)
    {
        StatusCode = statusCode;
        Headers = headers;
        Items = items;
        _links = links;
        _fetch = fetch;
        // HP6, HP7: from the X-Ably-Errorcode and X-Ably-Errormessage headers; the error body fills in what they lack.
        ErrorCode = headers.TryGetValue(RestErrors.ErrorCodeHeader, out var code) && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : error?.Code;
        ErrorMessage = headers.TryGetValue(RestErrors.ErrorMessageHeader, out var message) ? message : error?.Message;
    }

    /// <summary>The HTTP status code (HP4).</summary>
    public int StatusCode { get; }

    /// <summary>True for a 2xx status (HP5).</summary>
    public bool Success => StatusCode is >= 200 and < 300;

    /// <summary>The Ably error code of a failed request, from the X-Ably-Errorcode header (HP6), else the error body; null on success.</summary>
    public int? ErrorCode { get; }

    /// <summary>The error message of a failed request, from the X-Ably-Errormessage header (HP7), else the error body; null on success.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The response headers, case-insensitive (HP8).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body: the elements of a JSON array, or the single object; empty for an empty body (HP3).</summary>
    public IReadOnlyList<JToken> Items { get; }

    /// <summary>True when there is a next page.</summary>
    public bool HasNext => _links.Next is not null && _fetch is not null;

    /// <summary>True when this is the last page.</summary>
    public bool IsLast => !HasNext;

    /// <summary>Fetches the next page; null when this is the last page.</summary>
    public async Task<HttpPaginatedResponse?> NextAsync(CancellationToken cancellationToken = default) =>
        _links.Next is { } next && _fetch is not null ? await _fetch(next, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>Fetches the first page; this page when the server gave no first link.</summary>
    public async Task<HttpPaginatedResponse> FirstAsync(CancellationToken cancellationToken = default) =>
        _links.First is { } first && _fetch is not null ? await _fetch(first, cancellationToken).ConfigureAwait(false) : this;

    /// <summary>Every item of this and all later pages; stops at the first page that is not a success.</summary>
    public async IAsyncEnumerable<JToken> AllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        HttpPaginatedResponse? page = this;
        while (page is not null)
        {
            foreach (var item in page.Items)
            {
                yield return item;
            }

            page = page.Success && page.HasNext ? await page.NextAsync(cancellationToken).ConfigureAwait(false) : null;
        }
    }
}
