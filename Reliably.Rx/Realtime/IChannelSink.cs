using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The seam between the connection loop and one realtime channel. A channel registers an implementation with
/// <see cref="ChannelRegistry.Register"/>; every method is called on the connection loop, in order, and must not block
/// or run user code (hand user-visible notifications to a <c>LosslessBroadcast</c>).
/// </summary>
internal interface IChannelSink
{
    /// <summary>The channel name this sink receives frames for.</summary>
    string Name { get; }

    /// <summary>
    /// The channel's last <c>channelSerial</c> (RTL15b), for the recovery key (RTN16). Read from any thread: keep it
    /// in a volatile field.
    /// </summary>
    string? ChannelSerial { get; }

    /// <summary>
    /// A frame for this channel: ATTACHED, DETACHED, MESSAGE, PRESENCE, SYNC, OBJECT, OBJECT_SYNC, ANNOTATION or a
    /// channel-scoped ERROR.
    /// </summary>
    void OnFrame(ProtocolMessage message);

    /// <summary>
    /// A connection state change (including UPDATE), after the connection has applied it. On CONNECTED the
    /// connection has already resent its unacknowledged publishes; a channel re-attaches here (RTL3, RTL4c1, RTN19b).
    /// <paramref name="resumed"/> is true when the CONNECTED continued the previous connection (same connectionId).
    /// </summary>
    void OnConnectionStateChanged(ConnectionStateChange change, bool resumed);
}
