using System.Globalization;

namespace Reliably.Rx.Channels;

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
