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
            _attempts.EndAttempt();
            _transport.Write(new ProtocolMessage(ProtocolAction.Close));
            return;
        }

        if (_state == ConnectionState.Connected)
        {
            // RTN24: a CONNECTED while connected (after AUTH, RTC8) updates the details and emits UPDATE.
            if (ApplyConnectionDetails(message))
            {
                SetState(ConnectionState.Connected, message.Error);
                _auth.Complete(null);
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

        _attempts.EndAttempt();
        var previousId = _session.Id;
        if (!ApplyConnectionDetails(message))
        {
            return;
        }

        var continued = _session.Continues(previousId, message.Error);
        _telemetry.Connected(_session.ContinuationSent, continued);
        if (!continued)
        {
            if (_session.ResumeKeySent is not null)
            {
                // RTN15c7: a failed resume: the error is surfaced and msgSerial restarts at 0.
                RealtimeLog.ResumeFailed(_logger, previousId, _session.Id, message.Error?.Code);
            }

            _publish.RenumberPending();
        }

        _attempts.Connected();
        _idle.Start();

        // RTN19a: resend what was sent but not acknowledged; then CONNECTED; then what waited for it, in the order the
        // application asked (publishes, and the attaches requested while connecting, RTL4i), followed by the
        // re-attaches that CONNECTED itself starts (RTL3d).
        _publish.ResendPending();
        SetState(ConnectionState.Connected, message.Error, resumed: continued);
        _publish.SendQueued();
        _hosts.OnConnected();
        _pings.SendDeferred();
        _auth.Complete(null);
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

        _session.Apply(message);
        _idle.MaxIdleInterval = details?.MaxIdleInterval ?? _options.MaxIdleInterval;
        _auth.Provider.OnClientIdConfirmed(details?.ClientId);
        UpdateSnapshot();
        return true;
    }
}
