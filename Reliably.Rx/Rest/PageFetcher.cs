namespace Reliably.Rx.Http;

/// <summary>Fetches one page of a paginated REST resource and decodes it; pages re-issue the same path with the link's query.</summary>
internal sealed class PageFetcher<T>
{
    private readonly RestPipeline _pipeline;
    private readonly RestRequest _request;
    private readonly Func<RestResponse, IReadOnlyList<T>> _decode;

    public PageFetcher(RestPipeline pipeline, RestRequest request, Func<RestResponse, IReadOnlyList<T>> decode)
    {
        _pipeline = pipeline;
        _request = request;
        _decode = decode;
    }

    public Task<PaginatedResult<T>> FirstPageAsync(CancellationToken cancellationToken) => FetchAsync(_request.Query, cancellationToken);

    public async Task<PaginatedResult<T>> FetchAsync(IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var response = await _pipeline.SendAsync(_request.WithQuery(query), cancellationToken).ConfigureAwait(false);
        var links = PageLinks.Parse(response.Header("Link"));

        // A 204 or an empty body is an empty page, not an error (PROTOCOL.md 7).
        var items = response.Body.Length == 0 ? Array.Empty<T>() : _decode(response);
        return new PaginatedResult<T>(items, links, this);
    }
}
