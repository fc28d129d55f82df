using Reliably.Rx.Protocol;

namespace Reliably.Rx.Channels;

/// <summary>
/// The seam between a realtime channel and its presence (RTP). Set <see cref="RealtimeChannel.PresenceHandler"/>; every
/// method is called on the connection loop, in order, and must not block or run user code.
/// </summary>
internal interface IChannelPresenceHandler
{
    /// <summary>
    /// Every ATTACHED the channel processes: the one that completes an attach, and the extra ATTACHED while attached
    /// (RTL12). <paramref name="reenter"/> says whether this connection's members are re-entered (RTP17i: on every
    /// ATTACHED except an extra one with RESUMED set while already attached). Called after the state change for the first kind.
    /// </summary>
    void OnAttached(ProtocolMessage attached, bool reenter);

    /// <summary>A PRESENCE or SYNC frame, after the channel stored its channelSerial (RTL15b). Data is still encoded.</summary>
    void OnPresenceFrame(ProtocolMessage message);

    /// <summary>After every channel state change, including UPDATE (RTP5).</summary>
    void OnChannelStateChanged(ChannelStateChange change);
}
