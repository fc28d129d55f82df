using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>A message received on the channel (RTL7), in the channel's order.</summary>
public sealed record MessageNotification : ChannelNotification
{
    internal MessageNotification(long sequence, Message message)
        : base(sequence)
    {
        Message = message;
    }

    /// <summary>The message, decoded; immutable and shared by every subscriber.</summary>
    public Message Message { get; }

    internal override FeedKinds Kind => FeedKinds.Message;
}
