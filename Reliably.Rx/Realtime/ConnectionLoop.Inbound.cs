using Reliably.Rx.Protocol;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Realtime;

/// <summary>Transport events, frame dispatch and the idle timer (RTN15, RTN23, RTN24).</summary>
internal sealed partial class ConnectionLoop
{
    private readonly LoopTimer _idleTimer;

    private void OnTransportEvent(ProtocolTransport transport, TransportEvent evt)
    {
        if (!ReferenceEquals(transport, _transport))
        {
            // An event from a transport the loop has already abandoned.
            return;
        }

        switch (evt.Kind)
        {
            case TransportEventKind.Opened:
                _lastActivity = Now;
                break;
            case TransportEventKind.Message:
                _lastActivity = Now;
                OnFrame(evt.Message!);
                break;
            case TransportEventKind.FrameError:
                // A malformed frame is activity but never fatal: log it and carry on.
                _lastActivity = Now;
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
                DisposeTransport();
                break;
        }
    }

    private void OnFrame(ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Heartbeat:
                OnHeartbeat(message);
                break;
            case ProtocolAction.Ack:
                OnAck(message, nack: false);
                break;
            case ProtocolAction.Nack:
                OnAck(message, nack: true);
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
                ConnectionLost(error, preferFallback: error.IsRetriableServerError && _hostPlan.Count > 1);
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

    private void StartIdleTimer()
    {
        _idleTimer.Cancel();
        if (_maxIdleInterval <= TimeSpan.Zero)
        {
            // RTN23a: a maxIdleInterval of 0 means the server may stay silent indefinitely.
            return;
        }

        ArmIdleTimer(_maxIdleInterval + _options.RealtimeRequestTimeout);
    }

    private void ArmIdleTimer(TimeSpan dueIn) => _idleTimer.Start(dueIn, OnIdleTimer);

    private void OnIdleTimer()
    {
        if (_state != ConnectionState.Connected)
        {
            return;
        }

        // RTN23a: the timer is not restarted per frame (that would cost a scheduler item per frame); instead it checks
        // the last activity and re-arms for the remainder.
        var limit = _maxIdleInterval + _options.RealtimeRequestTimeout;
        var silent = Now - _lastActivity;
        if (silent < limit)
        {
            ArmIdleTimer(limit - silent);
            return;
        }

        var ms = (long)limit.TotalMilliseconds;
        ConnectionLost(new ErrorInfo(ErrorCodes.Disconnected, 408, $"No activity seen from realtime in {ms} ms (RTN23a)."));
    }
}
