using Reliably.Rx.Http;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

public sealed partial class AblyRest
{
    /// <summary>Application statistics, one page at a time (RSC6).</summary>
    /// <param name="query">Interval, unit, order and page size; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an invalid query; the server's error otherwise.</exception>
    public Task<PaginatedResult<Stats>> StatsAsync(StatsQuery? query = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => StatsAsyncCore(query, cancellationToken));

    private Task<PaginatedResult<Stats>> StatsAsyncCore(StatsQuery? query, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, "/stats") { Query = QueryParams.From(query), Format = Format };
        return new PageFetcher<Stats>(Pipeline, request, DecodeWith((codec, body) => codec.ReadStats(body))).FirstPageAsync(cancellationToken);
    }

    /// <summary>A decoder that reads a body with the codec of its content type, or of the configured format.</summary>
    internal Func<RestResponse, IReadOnlyList<T>> DecodeWith<T>(Func<Serialization.IProtocolCodec, ReadOnlyMemory<byte>, IReadOnlyList<T>> read) =>
        response => read(Pipeline.Codecs.ForResponse(response, Format), response.Body);
}
