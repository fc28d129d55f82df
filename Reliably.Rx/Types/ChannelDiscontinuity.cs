namespace Reliably.Rx;

/// <summary>
/// A loss of continuity on a channel's message stream: messages published between
/// <see cref="LastDeliveredSerial"/> and the new attachment may not have been delivered. With
/// <see cref="ChannelOptions.AutoBackfill"/> the channel fetches them from history and delivers them in order before the
/// live messages; it reports <see cref="DiscontinuityKind.BackfillIncomplete"/> when it cannot.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Reason">The server's or the client's error, when there is one (for example 80008 after a failed resume, 90003).</param>
/// <param name="AttachSerial">The channel's attachSerial after the event (RTL15c): the point the live stream continues from.</param>
/// <param name="LastDeliveredSerial">The serial of the last message delivered before the gap, if any.</param>
/// <param name="LastDeliveredId">The id of the last message delivered before the gap, if any.</param>
/// <param name="Backfilling">
/// True when automatic backfill started for this gap (live delivery is held until it ends; for a
/// <see cref="DiscontinuityKind.SlowConsumer"/> gap, only that subscription's). False without
/// <see cref="ChannelOptions.AutoBackfill"/>, and also with it when there is no point to fill from: no message has been
/// delivered yet and the attachment that began the stream had no attachSerial (RTL15c). With one, a stream that has
/// received nothing is filled from the newest message before that attachment (RTL10b), or from the start of history.
/// </param>
public sealed record ChannelDiscontinuity(
    DiscontinuityKind Kind,
    ErrorInfo? Reason,
    string? AttachSerial,
    string? LastDeliveredSerial,
    string? LastDeliveredId,
    bool Backfilling = false);
