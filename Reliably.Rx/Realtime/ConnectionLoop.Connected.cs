using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>CONNECTED: resume outcome, connection details and UPDATE (RTN15c, RTN19a, RTN21, RTN24, RSA15c).</summary>
internal sealed partial class ConnectionLoop
{
    private void OnConnected(ProtocolMessage message)
    {
        if (_state == ConnectionState.Closing)
        {
            // RTN12f: closed while connecting: now that the server answered, close it cleanly.
            _connectTimer.Cancel();
            SendFrame(new ProtocolMessage(ProtocolAction.Close));
            return;
        }

        if (_state == ConnectionState.Connected)
        {
            // RTN24: a CONNECTED while connected (after AUTH, RTC8) updates the details and emits UPDATE.
            if (ApplyConnectionDetails(message))
            {
                SetState(ConnectionState.Connected, message.Error);
                CompleteAuthWaiters(null);
            }

            return;
        }

        if (_state != ConnectionState.Connecting)
        {
            return;
        }

        if (message.ConnectionId is null || (message.ConnectionDetails?.ConnectionKey ?? message.ConnectionKey) is null)
        {
            // RTN8, RTN9, RTN15b: a connection has the id and the private key its CONNECTED gives it, so a CONNECTED
            // without them is a server fault: the attempt failed (RTN14d), as after a 5xx (RTN17f).
            AttemptFailed(new ErrorInfo(ErrorCodes.InternalError, 502, "The server's CONNECTED had no connectionId or connectionKey."), qualifiesForFallback: true);
            return;
        }

        _connectTimer.Cancel();
        var previousId = _connectionId;
        if (!ApplyConnectionDetails(message))
        {
            return;
        }

        var resumed = _sentResumeKey is not null && previousId == _connectionId;
        var recovered = _sentRecover && message.Error is null;
        OnAttemptConnected(_sentResumeKey is not null || _sentRecover, resumed || recovered);
        if (!resumed && !recovered)
        {
            if (_sentResumeKey is not null)
            {
                // RTN15c7: a failed resume: the error is surfaced and msgSerial restarts at 0.
                RealtimeLog.ResumeFailed(_logger, previousId, _connectionId, message.Error?.Code);
            }

            RenumberPending();
        }

        _disconnectedSince = null;
        _retryCount = 0;
        _suspendTimer.Cancel();
        _tokenRenewedThisCycle = false;
        _lastActivity = Now;
        StartIdleTimer();

        // RTN19a: resend what was sent but not acknowledged; then CONNECTED; then what waited for it, in the order the
        // application asked (publishes, and the attaches requested while connecting, RTL4i), followed by the
        // re-attaches that CONNECTED itself starts (RTL3d).
        ResendPending();
        SetState(ConnectionState.Connected, message.Error, resumed: resumed || recovered);
        SendQueued();

        // RTN17e: connected through a fallback host, the client's REST requests go to the same datacenter first.
        _connectedHost?.Invoke(_hostIndex > 0 ? _hostPlan[_hostIndex] : null);
        SendDeferredPings();
        CompleteAuthWaiters(null);
    }

    /// <summary>RTN21: connectionDetails override the defaults. Returns false when the connection failed instead (RSA15c).</summary>
    private bool ApplyConnectionDetails(ProtocolMessage message)
    {
        var details = message.ConnectionDetails;
        if (details?.ClientId is { } confirmed && _options.ClientId is { } wanted && confirmed != "*" && confirmed != wanted)
        {
            Fail(new ErrorInfo(ErrorCodes.IncompatibleCredentials, 400, "Unexpected clientId mismatch in connectionDetails."));
            return false;
        }

        _connectionId = message.ConnectionId ?? _connectionId;
        _connectionKey = details?.ConnectionKey ?? message.ConnectionKey ?? _connectionKey;
        _details = details;
        _connectionStateTtl = details?.ConnectionStateTtl ?? _options.ConnectionStateTtl;
        _maxIdleInterval = details?.MaxIdleInterval ?? _options.MaxIdleInterval;
        _maxMessageSize = details?.MaxMessageSize ?? DefaultMaxMessageSize;
        _auth.OnClientIdConfirmed(details?.ClientId);
        UpdateSnapshot();
        return true;
    }
}
