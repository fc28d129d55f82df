using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>A MESSAGE or PRESENCE frame in a channel's replay log, for resume (RTN15c/RTL4c1) and rewind.</summary>
/// <param name="Seq">Channel position; the frame's channelSerial encodes it.</param>
/// <param name="Frame">The shared outgoing frame.</param>
/// <param name="OriginConnectionId">Publisher (or presence member) connection, for echo and RTP17a.</param>
/// <param name="IsPresence">PRESENCE rather than MESSAGE.</param>
/// <param name="Timestamp">Server time of the event, ms.</param>
internal sealed record ChannelEvent(long Seq, OutgoingFrame Frame, string? OriginConnectionId, bool IsPresence, long Timestamp)
{
    /// <summary>An update, delete or append of an earlier message: live and on resume, but not a message of its own on rewind.</summary>
    public bool IsChange { get; init; }

    /// <summary>An ANNOTATION: only for attachments with the annotation-subscribe mode, and never replayed by rewind.</summary>
    public bool IsAnnotation { get; init; }

    /// <summary>How many messages the frame carries: the replay log is bounded by messages, as history is, not by frames.</summary>
    public int Items { get; init; } = 1;
}
