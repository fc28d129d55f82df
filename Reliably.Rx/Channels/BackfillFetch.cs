using System.Globalization;

namespace Reliably.Rx.Channels;

/// <summary>
/// Reads history backwards from an attachSerial (RTL10b <c>fromSerial</c>), or from the newest message, until the last
/// delivered message (matched by id or serial), paging as needed. With a bound, the messages from the bound onwards are
/// left out; when history does not hold the bound, everything after the anchor is returned (the caller skips what it
/// still has queued), or nothing when it holds neither. Runs off the loop; touches no channel state.
/// </summary>
internal sealed class BackfillFetch
{
    /// <summary>
    /// The first read: pages this size, which cover the usual gap (a reconnection misses little), so that what a backfill
    /// reads grows with the gap rather than with the page size.
    /// </summary>
    private const int SmallPageSize = 100;

    /// <summary>How many small pages before a long gap is read again from the start in pages of <see cref="PageSize"/>.</summary>
    private const int SmallPages = 5;

    private const int PageSize = 1000;

    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>, CancellationToken, Task<PaginatedResult<Message>>> _history;
    private readonly BackfillRequest _request;

    public BackfillFetch(Func<IReadOnlyList<KeyValuePair<string, string>>, CancellationToken, Task<PaginatedResult<Message>>> history, BackfillRequest request)
    {
        _history = history;
        _request = request;
    }

    public async Task<BackfillResult> RunAsync()
    {
        var request = _request;
        var fromOrigin = false;
        if (!request.HasAnchor && request.FloorSerial is { } floor)
        {
            // Nothing delivered yet: everything after the attach point the continuity began at was missed. The newest
            // message before that point (an untilAttach read, RTL10b) is the anchor; with none, the whole history is.
            try
            {
                var before = await _history(Query(floor, limit: 1), CancellationToken.None).ConfigureAwait(false);
                request = before.Items.FirstOrDefault() is { } last ? request with { AnchorId = last.Id, AnchorSerial = last.Serial } : request;
                fromOrigin = !request.HasAnchor;
            }
            catch (AblyException ex)
            {
                return new BackfillResult(Array.Empty<Message>(), Reached: false, ex.ErrorInfo);
            }
        }

        // At most SmallPages * SmallPageSize messages are read twice, and only for a gap longer than that.
        var first = await ReadAsync(request, fromOrigin, SmallPageSize, SmallPages).ConfigureAwait(false);
        return first.Reached || first.Error is not null || !first.HasMore
            ? first.Result
            : (await ReadAsync(request, fromOrigin, PageSize, ChannelBackfiller.MaxBackfillPages).ConfigureAwait(false)).Result;
    }

    /// <summary>
    /// Reads backwards in pages of <paramref name="pageSize"/> until the anchor, the end of history or
    /// <paramref name="maxPages"/>. From the origin (<paramref name="fromOrigin"/>), the end of history is the anchor.
    /// </summary>
    private async Task<Read> ReadAsync(BackfillRequest request, bool fromOrigin, int pageSize, int maxPages)
    {
        var newestFirst = new List<Message>();

        // Newest first: with a bound, what comes before it in this order is already queued for the subscriber.
        var skipUntilBound = request.BoundId is not null || request.BoundSerial is not null;

        try
        {
            var page = await _history(Query(request.FromSerial, pageSize), CancellationToken.None).ConfigureAwait(false);
            for (var pages = 1; ; pages++)
            {
                foreach (var message in page.Items)
                {
                    if (skipUntilBound && request.IsBound(message))
                    {
                        skipUntilBound = false;
                        newestFirst.Clear();
                        continue;
                    }

                    if (request.IsAnchor(message))
                    {
                        newestFirst.Reverse();
                        return new Read(new BackfillResult(newestFirst, Reached: true) { Anchor = message }, HasMore: false);
                    }

                    newestFirst.Add(message);
                }

                if (!page.HasNext || pages >= maxPages)
                {
                    // From the origin, the end of history is the anchor; a page cap that cuts it short is not.
                    KeepOnlyWhatPrecedesTheBound(newestFirst, skipUntilBound);
                    newestFirst.Reverse();
                    return new Read(new BackfillResult(newestFirst, Reached: fromOrigin && !page.HasNext), HasMore: page.HasNext);
                }

                page = (await page.NextAsync(CancellationToken.None).ConfigureAwait(false))!;
            }
        }
        catch (AblyException ex)
        {
            KeepOnlyWhatPrecedesTheBound(newestFirst, skipUntilBound);
            newestFirst.Reverse();
            return new Read(new BackfillResult(newestFirst, Reached: false, ex.ErrorInfo), HasMore: false);
        }
    }

    /// <summary>
    /// Neither the anchor nor the bound was found: what was read is all newer than the bound (history lost both, as after
    /// a server restart, or the bound lies beyond the pages read), and the subscriber has the bound and what follows it
    /// still queued, so none of it belongs in the gap.
    /// </summary>
    private static void KeepOnlyWhatPrecedesTheBound(List<Message> newestFirst, bool boundNotFound)
    {
        if (boundNotFound)
        {
            newestFirst.Clear();
        }
    }

    private static List<KeyValuePair<string, string>> Query(string? fromSerial, int limit)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("direction", "backwards"),
            new("limit", limit.ToString(CultureInfo.InvariantCulture)),
        };
        if (fromSerial is not null)
        {
            query.Add(new("fromSerial", fromSerial));
        }

        return query;
    }

    /// <summary>A read's outcome, and whether history goes on past where it stopped.</summary>
    private readonly record struct Read(BackfillResult Result, bool HasMore)
    {
        public bool Reached => Result.Reached;

        public ErrorInfo? Error => Result.Error;
    }
}
