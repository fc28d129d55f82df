namespace Reliably.Rx;

/// <summary>
/// Channel modes (TB2d, RTL4l, RTL4m): what an attachment may do. Requested in the channel options and granted by
/// the server in ATTACHED; the values are the protocol flag bits.
/// </summary>
[Flags]
public enum ChannelModes
{
    /// <summary>No explicit modes: the server grants the default set its capability permits.</summary>
    None = 0,
    /// <summary>Enter, update and leave presence.</summary>
    Presence = 1 << 16,
    /// <summary>Publish messages.</summary>
    Publish = 1 << 17,
    /// <summary>Receive messages.</summary>
    Subscribe = 1 << 18,
    /// <summary>Receive presence events.</summary>
    PresenceSubscribe = 1 << 19,
    /// <summary>Publish annotations.</summary>
    AnnotationPublish = 1 << 21,
    /// <summary>Receive annotations.</summary>
    AnnotationSubscribe = 1 << 22,
    /// <summary>Receive LiveObjects state.</summary>
    ObjectSubscribe = 1 << 24,
    /// <summary>Publish LiveObjects operations.</summary>
    ObjectPublish = 1 << 25,
}
