using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>A presence event on the channel (RTP6), in the channel's order.</summary>
public sealed record PresenceNotification : ChannelNotification
{
    internal PresenceNotification(long sequence, PresenceMessage presence)
        : base(sequence)
    {
        Presence = presence;
    }

    /// <summary>The presence event, decoded; immutable and shared by every subscriber.</summary>
    public PresenceMessage Presence { get; }

    internal override FeedKinds Kind => FeedKinds.Presence;
}
