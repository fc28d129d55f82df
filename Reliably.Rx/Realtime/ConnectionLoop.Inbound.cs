using Reliably.Rx.Protocol;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Realtime;

/// <summary>Events from outside: the transport's, frame dispatch, the idle timer and the network's (RTN15, RTN20, RTN23, RTN24).</summary>
internal sealed partial class ConnectionLoop
{
    private static ErrorInfo NetworkLost { get; } =
        new(ErrorCodes.Disconnected, 400, "The operating system reports that the internet connection is no longer available (RTN20a).");

    /// <summary>On the loop: the operating system says the internet connection is now available, or no longer is.</summary>
    public void OnNetworkAvailability(bool available)
    {
        if (!available)
        {
            OnNetworkLost();
            return;
        }

        switch (_state)
        {
            case ConnectionState.Disconnected:
            case ConnectionState.Suspended:
                // RTN20b: connect now rather than at the scheduled retry, which StartConnecting cancels.
                RealtimeLog.NetworkChange(_logger, available, _state);
                StartConnecting(renewToken: false, startHostIndex: 0);
                break;
            case ConnectionState.Connecting:
                // RTN20c: the pending attempt began on the old network; abandon it and start again.
                RealtimeLog.NetworkChange(_logger, available, _state);
                _telemetry.Ended(NetworkLost);
                StartConnecting(renewToken: false, startHostIndex: 0);
                break;
        }
    }

    private void OnNetworkLost()
    {
        switch (_state)
        {
            case ConnectionState.Connected:
                // RTN20a: DISCONNECTED at once, and then the reconnection of a lost connection (RTN15a).
                RealtimeLog.NetworkChange(_logger, false, _state);
                ConnectionLost(NetworkLost);
                break;
            case ConnectionState.Connecting:
                // RTN20a: the attempt cannot succeed: DISCONNECTED at once, retrying as after any failed attempt (RTN14d).
                RealtimeLog.NetworkChange(_logger, false, _state);
                AttemptFailed(NetworkLost, qualifiesForFallback: false);
                break;
        }
    }

    /// <summary>A decoded frame (a <see cref="ProtocolMessage"/>) or another <see cref="TransportEvent"/> of <paramref name="transport"/>.</summary>
    private void OnTransportEvent(ProtocolTransport transport, object received)
    {
        if (!_transport.IsCurrent(transport))
        {
            // An event from a transport the loop has already abandoned.
            return;
        }

        if (received is ProtocolMessage frame)
        {
            _idle.Touch();
            OnFrame(frame);
            return;
        }

        var evt = (TransportEvent)received;
        switch (evt.Kind)
        {
            case TransportEventKind.Opened:
                _idle.Touch();
                break;
            case TransportEventKind.FrameError:
                // A malformed frame is activity but never fatal: log it and carry on.
                _idle.Touch();
                RealtimeLog.MalformedFrame(_logger, evt.Error?.Code ?? 0, evt.Error?.Message ?? string.Empty);
                break;
            case TransportEventKind.Closed:
                OnTransportClosed(evt.Error ?? new ErrorInfo(ErrorCodes.Disconnected, 400, "Transport closed."), evt.IsConnectFailure);
                break;
        }
    }

    private void OnTransportClosed(ErrorInfo error, bool connectFailure)
    {
        switch (_state)
        {
            case ConnectionState.Connecting:
                AttemptFailed(error, qualifiesForFallback: connectFailure);
                break;
            case ConnectionState.Connected:
                // RTN15a: an unexpected loss is handled like a DISCONNECTED without a token error.
                ConnectionLost(error);
                break;
            case ConnectionState.Closing:
                EnterClosed();
                break;
            default:
                _transport.Close();
                break;
        }
    }

    private void OnFrame(ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Heartbeat:
                _pings.OnHeartbeat(message);
                break;
            case ProtocolAction.Ack:
                _publish.OnAck(message, nack: false);
                break;
            case ProtocolAction.Nack:
                _publish.OnAck(message, nack: true);
                break;
            case ProtocolAction.Connected:
                OnConnected(message);
                break;
            case ProtocolAction.Disconnected:
                OnServerDisconnected(ErrorInfo.FromServer(message.Error, ErrorCodes.Disconnected, 400, "Disconnected by the server"));
                break;
            case ProtocolAction.Closed:
                OnServerClosed();
                break;
            case ProtocolAction.Error when message.Channel is null:
                OnConnectionError(ErrorInfo.FromServer(message.Error, ErrorCodes.InternalError, 500, "Connection error"));
                break;
            case ProtocolAction.Auth:
                OnServerAuth();
                break;
            case ProtocolAction.Error:
            case ProtocolAction.Attached:
            case ProtocolAction.Detached:
            case ProtocolAction.Message:
            case ProtocolAction.Presence:
            case ProtocolAction.Sync:
            case ProtocolAction.Object:
            case ProtocolAction.ObjectSync:
            case ProtocolAction.Annotation:
                if (!Channels.Dispatch(message))
                {
                    RealtimeLog.UnknownChannel(_logger, message.Action);
                }

                break;
            default:
                // RTF1: unknown or client-only actions are ignored.
                break;
        }
    }

    /// <summary>A DISCONNECTED from the server (RTN15h, RTN14b, RTN17f).</summary>
    private void OnServerDisconnected(ErrorInfo error)
    {
        if (error.IsTokenError)
        {
            OnTokenError(error);
            return;
        }

        switch (_state)
        {
            case ConnectionState.Connecting:
                AttemptFailed(error, qualifiesForFallback: error.IsRetriableServerError);
                break;
            case ConnectionState.Connected:
                // RTN15h3: resume at once; a 5xx also qualifies for a fallback host (RTN17f).
                ConnectionLost(error, preferFallback: error.IsRetriableServerError && _hosts.Count > 1);
                break;
            case ConnectionState.Closing:
                EnterClosed();
                break;
        }
    }

    /// <summary>An ERROR without a channel: fatal (RTN14g, RTN15j), except token errors, which are renewed (RTN14b, RTN15h).</summary>
    private void OnConnectionError(ErrorInfo error)
    {
        if (error.IsTokenError && _state is ConnectionState.Connecting or ConnectionState.Connected)
        {
            OnTokenError(error);
            return;
        }

        if (_state == ConnectionState.Closing)
        {
            EnterClosed();
            return;
        }

        Fail(error);
    }

    private void OnServerClosed()
    {
        if (_state is ConnectionState.Closed or ConnectionState.Failed)
        {
            return;
        }

        EnterClosed();
    }

    /// <summary>RTN23a: the idle timer fired; the connection is lost when the server has been silent too long.</summary>
    private void OnIdleTimer()
    {
        if (_state == ConnectionState.Connected && _idle.Expired() is { } error)
        {
            ConnectionLost(error);
        }
    }
}
