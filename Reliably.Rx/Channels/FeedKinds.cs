namespace Reliably.Rx.Channels;

/// <summary>The kinds of <see cref="ChannelNotification"/>, as flags: what one subscription of the channel feed takes.</summary>
[Flags]
internal enum FeedKinds
{
    None = 0,
    Message = 1,
    Presence = 2,
    State = 4,
    Discontinuity = 8,
    Annotation = 16,
    All = Message | Presence | State | Discontinuity | Annotation,
}
