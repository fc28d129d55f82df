using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>A change of the channel's state, or an UPDATE (RTL2), in the channel's order.</summary>
public sealed record StateChangeNotification : ChannelNotification
{
    internal StateChangeNotification(long sequence, ChannelStateChange change)
        : base(sequence)
    {
        Change = change;
    }

    /// <summary>The change.</summary>
    public ChannelStateChange Change { get; }

    internal override FeedKinds Kind => FeedKinds.State;
}
