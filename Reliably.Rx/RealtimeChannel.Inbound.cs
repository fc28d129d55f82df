using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>Frames from the loop and the connection's state changes, handed to the channel's components (RTL3, RTL12, RTL13, RTL14, RTL15b).</summary>
public sealed partial class RealtimeChannel
{
    /// <inheritdoc />
    void IChannelSink.OnFrame(ProtocolMessage message)
    {
        if (_released)
        {
            return;
        }

        switch (message.Action)
        {
            case ProtocolAction.Attached:
                _attachment.OnAttached(message);
                break;
            case ProtocolAction.Detached:
                _attachment.OnDetached(message);
                break;
            case ProtocolAction.Error:
                // RTL14.
                _attachment.Fail(ErrorInfo.FromServer(message.Error, ErrorCodes.ChannelOperationFailed, 400, "Channel error"));
                break;
            case ProtocolAction.Message:
                OnMessageFrame(message);
                break;
            case ProtocolAction.Presence:
                _position.Store(message);
                _status.PresenceHandler?.OnPresenceFrame(message);
                break;
            case ProtocolAction.Sync:
                // A SYNC's channelSerial is the sync cursor (RTP18), not a channel position.
                _status.PresenceHandler?.OnPresenceFrame(message);
                break;
            case ProtocolAction.Annotation:
                _position.Store(message);
                OnAnnotationFrame(message);
                break;
            case ProtocolAction.Object:
                _position.Store(message);
                break;
        }
    }

    /// <inheritdoc />
    void IChannelSink.OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
    {
        if (_released || change.Event == ConnectionEvent.Update)
        {
            return;
        }

        _attachment.OnConnectionStateChanged(change, resumed);
    }
}
