using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>
/// A loss of continuity, in the channel's order: after the last message delivered before the gap, before the first
/// message after it.
/// </summary>
public sealed record DiscontinuityNotification : ChannelNotification
{
    internal DiscontinuityNotification(long sequence, ChannelDiscontinuity discontinuity)
        : base(sequence)
    {
        Discontinuity = discontinuity;
    }

    /// <summary>The discontinuity.</summary>
    public ChannelDiscontinuity Discontinuity { get; }

    internal override FeedKinds Kind => FeedKinds.Discontinuity;
}
