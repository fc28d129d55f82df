using System.Globalization;

namespace Reliably.Rx.Channels;

/// <summary>What a backfill found: the missed messages oldest first, and whether history reached the anchor.</summary>
internal sealed record BackfillResult(IReadOnlyList<Message> Missed, bool Reached, ErrorInfo? Error = null)
{
    /// <summary>
    /// The anchor (the last delivered message) as history shows it now: at its latest version, which is newer than the
    /// one delivered when the message was changed during the gap (history keeps a changed message in its place).
    /// </summary>
    public Message? Anchor { get; init; }

    /// <summary>The outcome of a finished fetch: its result, or nothing recovered and why (<paramref name="what"/> names the fetch).</summary>
    public static BackfillResult Of(Task<BackfillResult> fetch, string what) => fetch.Status == TaskStatus.RanToCompletion
        ? fetch.Result
        : new BackfillResult(Array.Empty<Message>(), Reached: false, fetch.Exception?.InnerException switch
        {
            AblyException ably => ably.ErrorInfo,
            { } other => new ErrorInfo(ErrorCodes.InternalError, 500, $"{what} history request failed: {other.GetType().Name}"),
            null => new ErrorInfo(ErrorCodes.InternalError, 500, $"{what} was cancelled."),
        });
}

/// <summary>
/// A backfill to run: history backwards from <paramref name="FromSerial"/> (or from the newest message) until the anchor
/// message. With a bound (the repair of one subscription's gap, whose later messages are still queued for it), only the
/// messages older than the bound are kept. Without an anchor (nothing delivered yet), <paramref name="FloorSerial"/> is
/// the attachSerial the channel's continuity began at: the anchor is then the newest message before it (RTL10b), or the
/// start of the channel's history when there is none.
/// </summary>
internal sealed record BackfillRequest(string? FromSerial, string? AnchorId, string? AnchorSerial, string? BoundId = null, string? BoundSerial = null, string? FloorSerial = null)
{
    /// <summary>True when the request names the last delivered message.</summary>
    public bool HasAnchor => AnchorId is not null || AnchorSerial is not null;

    /// <summary>A request to fill the gap between two messages of the channel (<paramref name="bound"/> excluded).</summary>
    public static BackfillRequest Between(Message anchor, Message? bound) =>
        new(null, anchor.Id, anchor.Serial, bound?.Id, bound?.Serial);

    public bool IsAnchor(Message message) => Matches(message, AnchorId, AnchorSerial);

    public bool IsBound(Message message) => Matches(message, BoundId, BoundSerial);

    /// <summary>
    /// The same message: by serial when both have one, since the serial is the server's identity for the message it
    /// stored (TM2r); by id only otherwise. A copy with the same id and another serial is a resend the server accepted
    /// again after losing its idempotency memory (a restart): finding it says nothing about what came after the original.
    /// </summary>
    private static bool Matches(Message message, string? id, string? serial) =>
        serial is not null && message.Serial is not null ? message.Serial == serial : id is not null && message.Id == id;
}

/// <summary>
/// Reads history backwards from an attachSerial (RTL10b <c>fromSerial</c>), or from the newest message, until the last
/// delivered message (matched by id or serial), paging as needed. With a bound, the messages from the bound onwards are
/// left out; when history does not hold the bound, everything after the anchor is returned (the caller skips what it
/// still has queued). Runs off the loop; touches no channel state.
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

    private readonly RealtimeChannel _channel;
    private readonly BackfillRequest _request;

    public BackfillFetch(RealtimeChannel channel, BackfillRequest request)
    {
        _channel = channel;
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
                var before = await _channel.FetchHistoryAsync(Query(floor, limit: 1), CancellationToken.None).ConfigureAwait(false);
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
            : (await ReadAsync(request, fromOrigin, PageSize, RealtimeChannel.MaxBackfillPages).ConfigureAwait(false)).Result;
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
            var page = await _channel.FetchHistoryAsync(Query(request.FromSerial, pageSize), CancellationToken.None).ConfigureAwait(false);
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
                    newestFirst.Reverse();
                    return new Read(new BackfillResult(newestFirst, Reached: fromOrigin && !page.HasNext), HasMore: page.HasNext);
                }

                page = (await page.NextAsync(CancellationToken.None).ConfigureAwait(false))!;
            }
        }
        catch (AblyException ex)
        {
            newestFirst.Reverse();
            return new Read(new BackfillResult(newestFirst, Reached: false, ex.ErrorInfo), HasMore: false);
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
