namespace Reliably.Rx;

/// <summary>The events of a realtime channel: every <see cref="ChannelState"/>, plus <see cref="Update"/> (RTL2g, TH6).</summary>
public enum ChannelEvent
{
    /// <summary>Entered <see cref="ChannelState.Initialized"/>.</summary>
    Initialized,

    /// <summary>Entered <see cref="ChannelState.Attaching"/>.</summary>
    Attaching,

    /// <summary>Entered <see cref="ChannelState.Attached"/>.</summary>
    Attached,

    /// <summary>Entered <see cref="ChannelState.Detaching"/>.</summary>
    Detaching,

    /// <summary>Entered <see cref="ChannelState.Detached"/>.</summary>
    Detached,

    /// <summary>Entered <see cref="ChannelState.Suspended"/>.</summary>
    Suspended,

    /// <summary>Entered <see cref="ChannelState.Failed"/>.</summary>
    Failed,

    /// <summary>
    /// Still attached, but something changed: an extra ATTACHED without the RESUMED flag, meaning messages may have
    /// been lost (RTL12).
    /// </summary>
    Update,
}
