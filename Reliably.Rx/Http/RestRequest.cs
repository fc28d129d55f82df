using Reliably.Rx.Serialization;

namespace Reliably.Rx.Http;

/// <summary>One logical REST request; the transport turns it into one HTTP request per host it tries.</summary>
internal sealed record RestRequest
{
    public RestRequest(HttpMethod method, string path)
    {
        Method = method;
        Path = path.StartsWith('/') ? path : "/" + path;
    }

    public HttpMethod Method { get; init; }

    /// <summary>The path, starting with '/', with every segment already escaped.</summary>
    public string Path { get; init; }

    /// <summary>Query parameters, in order; values are escaped when the URI is built.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The encoded body, or null for none.</summary>
    public byte[]? Body { get; init; }

    /// <summary>The format of <see cref="Body"/> and of the expected answer (Accept, RSC8).</summary>
    public WireFormat Format { get; init; }

    /// <summary>False for requests that carry no Authorization: /time and requestToken with a signed TokenRequest.</summary>
    public bool Authenticated { get; init; } = true;

    /// <summary>The X-Ably-Version to send; null for the library's protocol version (RSC19f1 lets request() choose).</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>Extra headers (RSC19 request()); they never override the Ably headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Returns a copy with different query parameters (pagination re-issues the same path).</summary>
    public RestRequest WithQuery(IReadOnlyList<KeyValuePair<string, string>> query) => this with { Query = query };
}
