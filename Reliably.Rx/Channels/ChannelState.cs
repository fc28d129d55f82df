namespace Reliably.Rx;

/// <summary>The states of a realtime channel (RTL2b, TH1).</summary>
public enum ChannelState
{
    /// <summary>Created and never attached.</summary>
    Initialized,

    /// <summary>ATTACH sent (or waiting for a connection to send it), waiting for ATTACHED.</summary>
    Attaching,

    /// <summary>Attached: messages are delivered (RTL17).</summary>
    Attached,

    /// <summary>DETACH sent, waiting for DETACHED.</summary>
    Detaching,

    /// <summary>Detached on request, or because the connection closed (RTL3b).</summary>
    Detached,

    /// <summary>
    /// Temporarily unattached: the connection is suspended (RTL3c), or an attach timed out or failed (RTL4f, RTL13b).
    /// The channel re-attaches by itself.
    /// </summary>
    Suspended,

    /// <summary>Failed with an error (see <see cref="RealtimeChannel.ErrorReason"/>); <c>AttachAsync</c> tries again (RTL4g).</summary>
    Failed,
}
