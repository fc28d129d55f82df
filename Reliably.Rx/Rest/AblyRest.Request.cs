using System.Buffers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Http;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

public sealed partial class AblyRest
{
    /// <summary>
    /// Sends any request to the Ably REST API with this client's auth, headers and fallback hosts (RSC19). HTTP errors
    /// do not throw: the result says <see cref="HttpPaginatedResponse.Success"/>, the status and the Ably error.
    /// </summary>
    /// <param name="method">GET, POST, PUT, PATCH or DELETE.</param>
    /// <param name="path">The path, for example <c>/channels/a/messages</c>; not a full URL.</param>
    /// <param name="parameters">Query parameters.</param>
    /// <param name="body">A JSON body, sent in the configured format.</param>
    /// <param name="headers">Extra headers; they cannot replace the auth or Ably headers.</param>
    /// <param name="version">The X-Ably-Version to send (RSC19f1); null for this library's protocol version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an invalid method or path; auth errors; no host reachable.</exception>
    public Task<HttpPaginatedResponse> RequestAsync(
        HttpMethod method,
        string path,
        IReadOnlyDictionary<string, string>? parameters = null,
        JToken? body = null,
        IReadOnlyDictionary<string, string>? headers = null,
        int? version = null,
        CancellationToken cancellationToken = default) =>
        Reported.Run(() => RequestAsyncCore(method, path, parameters, body, headers, version, cancellationToken));

    private Task<HttpPaginatedResponse> RequestAsyncCore(
        HttpMethod method,
        string path,
        IReadOnlyDictionary<string, string>? parameters,
        JToken? body,
        IReadOnlyDictionary<string, string>? headers,
        int? version,
        CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (method is null || !(method == HttpMethod.Get || method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch || method == HttpMethod.Delete))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The method must be GET, POST, PUT, PATCH or DELETE (RSC19f).");
        }

        if (version is <= 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The protocol version must be positive.");
        }

        if (string.IsNullOrWhiteSpace(path) || path.Contains("://", StringComparison.Ordinal))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The path must be a path such as /channels/name, not empty and not a URL.");
        }

        byte[]? encoded = null;
        if (body is not null)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Pipeline.Codecs.For(Format).WriteTree(body, buffer);
            encoded = buffer.WrittenMemory.ToArray();
        }

        var request = new RestRequest(method, path)
        {
            Query = parameters?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)).ToArray() ?? Array.Empty<KeyValuePair<string, string>>(),
            Body = encoded,
            Format = Format,
            Headers = headers,
            ProtocolVersion = version?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        return FetchGenericPageAsync(request, request.Query, cancellationToken);
    }

    private async Task<HttpPaginatedResponse> FetchGenericPageAsync(RestRequest request, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var response = await Pipeline.SendAllowingErrorsAsync(request.WithQuery(query), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<JToken> items = Array.Empty<JToken>();
        ErrorInfo? error = null;
        if (response.IsSuccess)
        {
            if (response.Body.Length > 0)
            {
                var codec = Pipeline.Codecs.ForResponse(response, Format);
                var tree = codec.ReadTree(response.Body);
                items = tree is JArray array ? array.ToArray() : new[] { tree };
            }
        }
        else
        {
            error = RestErrors.ErrorOf(response, Pipeline.Codecs);
        }

        return new HttpPaginatedResponse((int)response.StatusCode, response.Headers, items, error, PageLinks.Parse(response.Header("Link")),
            (next, ct) => FetchGenericPageAsync(request, next, ct));
    }
}
