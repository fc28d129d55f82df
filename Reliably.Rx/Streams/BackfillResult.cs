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
