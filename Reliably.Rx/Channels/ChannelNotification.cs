using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>
/// One event of a channel, in the single order in which the client saw it (<see cref="RealtimeChannel.Events"/>): a
/// <see cref="MessageNotification"/>, a <see cref="PresenceNotification"/>, an <see cref="AnnotationNotification"/> (only on a
/// channel attached with <see cref="ChannelModes.AnnotationSubscribe"/>), a <see cref="StateChangeNotification"/> or a
/// <see cref="DiscontinuityNotification"/>. The set of kinds is closed: switch over them exhaustively.
/// </summary>
public abstract record ChannelNotification
{
    private protected ChannelNotification(long sequence)
    {
        Sequence = sequence;
    }

    /// <summary>
    /// The event's position in the channel's order, from 1, assigned by the connection loop. The per-kind streams carry
    /// the same order, so events read from several of them can be merged back into it. 0 for an event that concerns one
    /// subscription only (a <see cref="DiscontinuityKind.SlowConsumer"/> gap).
    /// </summary>
    public long Sequence { get; }

    internal abstract FeedKinds Kind { get; }
}
