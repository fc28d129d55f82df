using Reliably.Rx.Auth;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Realtime;

/// <summary>Connection attempts, retry with backoff, suspension and fallback hosts (RTN11, RTN14, RTN15, RTN17, RTB1).</summary>
internal sealed partial class ConnectionLoop
{
    /// <summary>RTN11: connect, or reconnect now from DISCONNECTED/SUSPENDED; a no-op while connecting or connected.</summary>
    public void Connect()
    {
        switch (_state)
        {
            case ConnectionState.Connecting:
            case ConnectionState.Connected:
                return;
            case ConnectionState.Closed:
            case ConnectionState.Failed:
                // RTN11d: a new connection: msgSerial and connection state start afresh.
                ResetConnectionState();
                break;
            case ConnectionState.Closing:
                _close.CancelTimer();
                _transport.Close();
                ResetConnectionState();
                break;
        }

        StartConnecting(renewToken: false, startHostIndex: 0);
    }

    /// <summary>REC3: the connectivity check, callable from any thread.</summary>
    public Task<bool> CheckConnectivityAsync(CancellationToken cancellationToken) => _hosts.CheckConnectivityAsync(cancellationToken);

    private void ResetConnectionState()
    {
        _session.Reset();
        _publish.ResetSerial();
        _attempts.Reset();
    }

    private void StartConnecting(bool renewToken, int startHostIndex)
    {
        // RTN14h: however long the client has been away (SUSPENDED included), a connection that had a key tries to
        // resume it; the server says whether it still can (RTN15c6, RTN15c7).
        _attempts.StartCycle(_session.ConnectionStateTtl, OnSuspendTimeout);

        // RTN14b: each connection request may renew a rejected token once. A renewal earlier in the cycle must not stop
        // a later retry from renewing: a token renewed and then rejected too (its expiry passed by the server's clock,
        // which the local clock cannot see) would otherwise be offered on every retry until the cycle ends in CONNECTED,
        // which it never would.
        _attempts.TokenRenewed = false;
        _hosts.StartCycle(startHostIndex);
        if (_state != ConnectionState.Connecting)
        {
            SetState(ConnectionState.Connecting, null);
        }

        BeginAttempt(renewToken);
    }

    private void BeginAttempt(bool renewToken)
    {
        _transport.Close();

        // RTN14c: the whole attempt, token included, must end in CONNECTED within realtimeRequestTimeout.
        var attempt = _attempts.Begin(_options.RealtimeRequestTimeout, OnConnectTimeout);
        var pending = _auth.Obtain(renewToken, _lifetime.Token, out var renewed);
        if (renewed)
        {
            _attempts.TokenRenewed = true;
        }

        this.WhenDone(pending.AsTask(), t => OnCredentials(attempt, t));
    }

    private void OnCredentials(int attempt, Task<AuthCredentials> task)
    {
        if (!_attempts.IsCurrent(attempt) || _state is not (ConnectionState.Connecting or ConnectionState.Closing))
        {
            return;
        }

        _attempts.AwaitingCredentials = false;
        if (_state == ConnectionState.Closing)
        {
            EnterClosed();
            return;
        }

        if (!task.IsCompletedSuccessfully)
        {
            OnAuthFailure(task.Exception?.GetBaseException());
            return;
        }

        var credentials = task.Result;
        if (credentials.IsBasic && !_options.Tls && !_options.AllowInsecureBasicAuth)
        {
            Fail(new ErrorInfo(ErrorCodes.InsecureBasicAuth, 401, "Basic auth over a non-TLS connection is refused (RSC18); use TLS or token auth."));
            return;
        }

        _auth.Credentials = credentials;
        var host = _hosts.Current;
        var recoverKey = _session.BeginAttempt();
        var resuming = _session.ResumeKeySent is not null;
        var uri = ConnectUri.Build(_options, host, credentials, _session.ResumeKeySent, recoverKey);
        RealtimeLog.Connecting(_logger, host, resuming, _session.RecoverSent);
        _telemetry.Started(host, resuming, _session.RecoverSent);

        // The transport's events reach the loop as turns, in order; the codec decodes frames before they are posted.
        // One delegate per transport, the frame or event as its state: no closure and no wrapper per frame.
        ProtocolTransport? transport = null;
        Action<object?> onEvent = e => OnTransportEvent(transport!, e!);
        transport = _transport.Open(uri, _options.UseBinaryProtocol, e => Post(onEvent, e), Channels.Names);
        try
        {
            _transport.Connect();
        }
        catch (Exception ex)
        {
            // A factory or transport that throws is an attempt that could not connect (RTN17f: it qualifies for fallback).
            AttemptFailed(ErrorFrom(ex, ErrorCodes.Disconnected), qualifiesForFallback: true);
        }
    }

    private void OnConnectTimeout(int attempt)
    {
        if (!_attempts.IsCurrent(attempt))
        {
            return;
        }

        if (_state == ConnectionState.Closing)
        {
            EnterClosed();
            return;
        }

        if (_state == ConnectionState.Connecting)
        {
            var timeout = new ErrorInfo(ErrorCodes.Timeout, 504, "Connection attempt timed out (RTN14c).");
            if (_attempts.AwaitingCredentials)
            {
                // RSA4c: obtaining the token took longer than realtimeRequestTimeout: an auth failure (80019), not a
                // transport one, so no fallback host either.
                _attempts.AwaitingCredentials = false;
                AttemptFailed(
                    AuthRenewal.AttemptError(new AblyException(timeout with { Message = "Obtaining a token timed out after realtimeRequestTimeout." }), out _),
                    qualifiesForFallback: false);
                return;
            }

            AttemptFailed(timeout, qualifiesForFallback: true);
        }
    }

    /// <summary>The current attempt failed: try the next fallback host when the failure qualifies (RTN17f), else retry later.</summary>
    private void AttemptFailed(ErrorInfo error, bool qualifiesForFallback)
    {
        _telemetry.Ended(error);
        _transport.Close();
        _attempts.EndAttempt();
        if (_state == ConnectionState.Closing)
        {
            EnterClosed();
            return;
        }

        if (qualifiesForFallback && _hosts.HasNext)
        {
            if (_hosts.OnPrimary)
            {
                // RTN17j: leaving the primary host, first make sure the network itself is up; without it, every
                // fallback would fail the same way and the cycle is better spent waiting to retry.
                CheckConnectivityBeforeFallback(error);
                return;
            }

            TryNextHost();
            return;
        }

        EnterDisconnectedOrSuspended(error, immediateRetry: false);
    }

    private void TryNextHost()
    {
        RealtimeLog.TryingFallback(_logger, _hosts.Next());
        BeginAttempt(renewToken: false);
    }

    private void CheckConnectivityBeforeFallback(ErrorInfo error)
    {
        // A new attempt id: callbacks of the failed attempt (its timer, its credentials) are now stale.
        var attempt = _attempts.Supersede();
        RealtimeLog.CheckingConnectivity(_logger, error.Code);
        this.WhenDone(_hosts.CheckConnectivityAsync(_lifetime.Token), t => OnConnectivityChecked(attempt, t, error));
    }

    private void OnConnectivityChecked(int attempt, Task<bool> check, ErrorInfo error)
    {
        if (!_attempts.IsCurrent(attempt))
        {
            return;
        }

        if (_state == ConnectionState.Closing)
        {
            EnterClosed();
            return;
        }

        if (_state != ConnectionState.Connecting)
        {
            return;
        }

        if (check.IsCompletedSuccessfully && check.Result)
        {
            TryNextHost();
            return;
        }

        RealtimeLog.NoConnectivity(_logger);
        EnterDisconnectedOrSuspended(error, immediateRetry: false);
    }

    /// <summary>The CONNECTED transport was lost (RTN15a, RTN15h3, RTN23a): resume at once.</summary>
    private void ConnectionLost(ErrorInfo error, bool renewToken = false, bool preferFallback = false)
    {
        _transport.Close();
        _idle.Stop();
        EnterDisconnectedOrSuspended(error, immediateRetry: true, renewToken, preferFallback);
    }

    private void EnterDisconnectedOrSuspended(ErrorInfo error, bool immediateRetry, bool renewToken = false, bool preferFallback = false)
    {
        _telemetry.Ended(error);
        if (_attempts.Lost(_session.ConnectionStateTtl, _state == ConnectionState.Connected, OnSuspendTimeout))
        {
            EnterSuspended(error);
            return;
        }

        if (!_options.QueueMessages)
        {
            // RTN7d: without queueing, nothing waits for a reconnection.
            _publish.FailAll(error);
        }

        if (immediateRetry)
        {
            // RTN15a: the first reconnection after losing a CONNECTED transport is immediate.
            SetState(ConnectionState.Disconnected, error, TimeSpan.Zero);
            StartConnecting(renewToken, preferFallback ? 1 : 0);
            return;
        }

        // RTN14d: the RTB1 backoff of disconnectedRetryTimeout.
        var delay = _attempts.NextRetryDelay();
        SetState(ConnectionState.Disconnected, error, delay);
        _attempts.RetryAfter(delay, RetryNow);
    }

    private void RetryNow() => StartConnecting(renewToken: false, startHostIndex: 0);

    private void OnSuspendTimeout()
    {
        // RTN14e: connectionStateTtl has passed without a connection.
        if (_state is ConnectionState.Disconnected or ConnectionState.Connecting)
        {
            _transport.Close();
            _attempts.EndAttempt();
            EnterSuspended(_status.ErrorReason);
        }
    }

    private void EnterSuspended(ErrorInfo? cause)
    {
        _transport.Close();
        _attempts.Suspend();
        var reason = new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "Connection to server unavailable; suspended (RTN14e).") { Cause = cause };

        // RTN7e: pending and queued publishes fail on SUSPENDED.
        _publish.FailAll(reason);
        SetState(ConnectionState.Suspended, reason, _options.SuspendedRetryTimeout);
        _attempts.RetryAfter(_options.SuspendedRetryTimeout, RetryNow);
    }

    private static ErrorInfo ErrorFrom(Exception? ex, int fallbackCode) => ex switch
    {
        AblyException ably => ably.ErrorInfo,
        null => new ErrorInfo(fallbackCode, 400, "Unknown transport failure."),
        _ => new ErrorInfo(fallbackCode, 400, ex.Message),
    };
}
