using System.Globalization;

namespace Reliably.Rx.Channels;

/// <summary>What a backfill found: the missed messages oldest first, and whether history reached the anchor.</summary>
internal sealed record BackfillResult(IReadOnlyList<Message> Missed, bool Reached, ErrorInfo? Error = null);

/// <summary>A backfill to run: history backwards from <paramref name="FromSerial"/> until the anchor message.</summary>
internal sealed record BackfillRequest(string? FromSerial, string? AnchorId, string? AnchorSerial);

/// <summary>
/// Reads history backwards from an attachSerial (RTL10b <c>fromSerial</c>) until the last delivered message (matched
/// by id or serial), paging as needed. Runs off the loop; touches no channel state.
/// </summary>
internal sealed class BackfillFetch
{
    private const int PageSize = 1000;

    private readonly RealtimeChannel _channel;
    private readonly string? _fromSerial;
    private readonly string? _anchorId;
    private readonly string? _anchorSerial;

    public BackfillFetch(RealtimeChannel channel, BackfillRequest request)
    {
        _channel = channel;
        _fromSerial = request.FromSerial;
        _anchorId = request.AnchorId;
        _anchorSerial = request.AnchorSerial;
    }

    public async Task<BackfillResult> RunAsync()
    {
        var newestFirst = new List<Message>();
        var query = new List<KeyValuePair<string, string>>
        {
            new("direction", "backwards"),
            new("limit", PageSize.ToString(CultureInfo.InvariantCulture)),
        };
        if (_fromSerial is not null)
        {
            query.Add(new("fromSerial", _fromSerial));
        }

        try
        {
            var page = await _channel.FetchHistoryAsync(query, CancellationToken.None).ConfigureAwait(false);
            for (var pages = 1; ; pages++)
            {
                foreach (var message in page.Items)
                {
                    if (IsAnchor(message))
                    {
                        newestFirst.Reverse();
                        return new BackfillResult(newestFirst, Reached: true);
                    }

                    newestFirst.Add(message);
                }

                if (!page.HasNext || pages >= RealtimeChannel.MaxBackfillPages)
                {
                    break;
                }

                page = (await page.NextAsync(CancellationToken.None).ConfigureAwait(false))!;
            }

            newestFirst.Reverse();
            return new BackfillResult(newestFirst, Reached: false);
        }
        catch (AblyException ex)
        {
            newestFirst.Reverse();
            return new BackfillResult(newestFirst, Reached: false, ex.ErrorInfo);
        }
    }

    private bool IsAnchor(Message message) =>
        (_anchorId is not null && message.Id == _anchorId) || (_anchorSerial is not null && message.Serial == _anchorSerial);
}
