using System.Runtime.CompilerServices;
using Reliably.Rx.Http;

namespace Reliably.Rx;

/// <summary>
/// One page of a paginated REST result (TG): history, presence, stats. Navigate with <see cref="NextAsync"/> and
/// <see cref="FirstAsync"/>, or enumerate every item of this and all later pages with <see cref="AllAsync"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class PaginatedResult<T>
{
    private readonly PageLinks _links;
    private readonly PageFetcher<T>? _fetcher;

    internal PaginatedResult(IReadOnlyList<T> items, PageLinks links, PageFetcher<T>? fetcher)
    {
        Items = items;
        _links = links;
        _fetcher = fetcher;
    }

    /// <summary>The items of this page (TG3).</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>True when there is a next page (TG6).</summary>
    public bool HasNext => _links.Next is not null && _fetcher is not null;

    /// <summary>True when this is the last page (TG7).</summary>
    public bool IsLast => !HasNext;

    /// <summary>Fetches the next page (TG4); null when this is the last page.</summary>
    /// <exception cref="AblyException">When the request fails.</exception>
    public async Task<PaginatedResult<T>?> NextAsync(CancellationToken cancellationToken = default) =>
        _links.Next is { } next && _fetcher is not null
            ? await _fetcher.FetchAsync(next, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Fetches the first page again (TG5); this page when the server gave no first link.</summary>
    /// <exception cref="AblyException">When the request fails.</exception>
    public async Task<PaginatedResult<T>> FirstAsync(CancellationToken cancellationToken = default) =>
        _links.First is { } first && _fetcher is not null
            ? await _fetcher.FetchAsync(first, cancellationToken).ConfigureAwait(false)
            : this;

    /// <summary>
    /// Every item of this page and of all the following pages, fetching each next page only when the previous one
    /// has been consumed. Cold: each enumeration starts again from this page. Pages are requested one at a time.
    /// </summary>
    public async IAsyncEnumerable<T> AllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        PaginatedResult<T>? page = this;
        while (page is not null)
        {
            foreach (var item in page.Items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }

            page = page.HasNext ? await page.NextAsync(cancellationToken).ConfigureAwait(false) : null;
        }
    }
}
