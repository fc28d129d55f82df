using Reliably.Rx.Auth;
using Reliably.Rx.Protocol;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Realtime;

/// <summary>Connection attempts, retry with backoff, suspension and fallback hosts (RTN11, RTN14, RTN15, RTN17, RTB1).</summary>
internal sealed partial class ConnectionLoop
{
    private readonly Func<CancellationToken, Task<bool>> _connectivityCheck;
    private readonly Action<string?>? _connectedHost;
    private readonly LoopTimer _connectTimer;
    private readonly LoopTimer _retryTimer;
    private readonly LoopTimer _suspendTimer;
    private RecoveryKey? _recover;
    private bool _recoverAttempted;
    private ProtocolTransport? _transport;
    private AuthCredentials? _credentials;
    private List<string> _hostPlan = new();
    private int _hostIndex;
    private string? _sentResumeKey;
    private bool _sentRecover;
    private bool _tokenRenewedThisCycle;
    private int _retryCount;
    private DateTimeOffset? _disconnectedSince;
    private DateTimeOffset _lastActivity;

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
                _closeTimer.Cancel();
                DisposeTransport();
                ResetConnectionState();
                break;
        }

        StartConnecting(renewToken: false, startHostIndex: 0);
    }

    private void ResetConnectionState()
    {
        _connectionId = null;
        _connectionKey = null;
        _details = null;
        Interlocked.Exchange(ref _msgSerial, 0);
        _disconnectedSince = null;
        _retryCount = 0;
        _tokenRenewedThisCycle = false;
    }

    private void StartConnecting(bool renewToken, int startHostIndex)
    {
        _retryTimer.Cancel();
        _hostPlan = _hosts.Plan(_random);
        _hostIndex = Math.Min(startHostIndex, _hostPlan.Count - 1);

        // RTN14h: however long the client has been away (SUSPENDED included), a connection that had a key tries to
        // resume it; the server says whether it still can (RTN15c6, RTN15c7).

        // RTN14e: connectionStateTtl counts from the first attempt (or the loss of the connection) until CONNECTED.
        if (_disconnectedSince is null)
        {
            _disconnectedSince = Now;
            _suspendTimer.Start(_connectionStateTtl, OnSuspendTimeout);
        }

        if (_state != ConnectionState.Connecting)
        {
            SetState(ConnectionState.Connecting, null);
        }

        BeginAttempt(renewToken);
    }

    private void BeginAttempt(bool renewToken)
    {
        DisposeTransport();
        var attempt = ++_attemptId;

        // RTN14c: the whole attempt, token included, must end in CONNECTED within realtimeRequestTimeout.
        _connectTimer.Start(_options.RealtimeRequestTimeout, () => OnConnectTimeout(attempt));
        _awaitingCredentials = true;
        ValueTask<AuthCredentials> pending;
        try
        {
            if (renewToken && _credentials is not null)
            {
                _tokenRenewedThisCycle = true;
                pending = _auth.RenewAsync(_credentials, _lifetime.Token);
            }
            else
            {
                pending = _auth.GetCredentialsAsync(_lifetime.Token);
            }
        }
        catch (Exception ex)
        {
            pending = ValueTask.FromException<AuthCredentials>(ex);
        }

        this.WhenDone(pending.AsTask(), t => OnCredentials(attempt, t));
    }

    private int _attemptId;
    private bool _awaitingCredentials;

    private void OnCredentials(int attempt, Task<AuthCredentials> task)
    {
        if (attempt != _attemptId || _state is not (ConnectionState.Connecting or ConnectionState.Closing))
        {
            return;
        }

        _awaitingCredentials = false;

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

        _credentials = credentials;
        var host = _hostPlan[_hostIndex];
        _sentResumeKey = _connectionKey;
        _sentRecover = _sentResumeKey is null && _recover is not null && !_recoverAttempted;
        _recoverAttempted |= _sentRecover;
        var uri = ConnectUri.Build(_options, host, credentials, _sentResumeKey, _sentRecover ? _recover!.ConnectionKey : null);
        RealtimeLog.Connecting(_logger, host, _sentResumeKey is not null, _sentRecover);
        OnAttemptStarted(host, _sentResumeKey is not null, _sentRecover);

        // The transport's events reach the loop as turns, in order; the codec decodes frames before they are posted.
        // One delegate per transport, the event as its state: no closure per frame.
        ProtocolTransport? transport = null;
        Action<object?> onEvent = e => OnTransportEvent(transport!, (TransportEvent)e!);
        transport = new ProtocolTransport(uri, _options.UseBinaryProtocol, e => Post(onEvent, e));
        _transport = transport;
        try
        {
            transport.Connect(_transports);
        }
        catch (Exception ex)
        {
            // A factory or transport that throws is an attempt that could not connect (RTN17f: it qualifies for fallback).
            AttemptFailed(ErrorFrom(ex, ErrorCodes.Disconnected), qualifiesForFallback: true);
        }
    }

    private void OnConnectTimeout(int attempt)
    {
        if (attempt != _attemptId)
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
            if (_awaitingCredentials)
            {
                // RSA4c: obtaining the token took longer than realtimeRequestTimeout: an auth failure (80019), not a
                // transport one, so no fallback host either.
                _awaitingCredentials = false;
                AttemptFailed(
                    AuthAttemptError(new AblyException(timeout with { Message = "Obtaining a token timed out after realtimeRequestTimeout." }), out _),
                    qualifiesForFallback: false);
                return;
            }

            AttemptFailed(timeout, qualifiesForFallback: true);
        }
    }

    /// <summary>The current attempt failed: try the next fallback host when the failure qualifies (RTN17f), else retry later.</summary>
    private void AttemptFailed(ErrorInfo error, bool qualifiesForFallback)
    {
        OnAttemptEnded(error);
        DisposeTransport();
        _connectTimer.Cancel();
        if (_state == ConnectionState.Closing)
        {
            EnterClosed();
            return;
        }

        if (qualifiesForFallback && _hostIndex + 1 < _hostPlan.Count)
        {
            if (_hostIndex == 0)
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
        _hostIndex++;
        RealtimeLog.TryingFallback(_logger, _hostPlan[_hostIndex]);
        BeginAttempt(renewToken: false);
    }

    /// <summary>REC3: the connectivity check, callable from any thread.</summary>
    public Task<bool> CheckConnectivityAsync(CancellationToken cancellationToken) => _connectivityCheck(cancellationToken);

    private void CheckConnectivityBeforeFallback(ErrorInfo error)
    {
        // A new attempt id: callbacks of the failed attempt (its timer, its credentials) are now stale.
        var attempt = ++_attemptId;
        RealtimeLog.CheckingConnectivity(_logger, error.Code);
        Task<bool> check;
        try
        {
            check = _connectivityCheck(_lifetime.Token);
        }
        catch (Exception ex)
        {
            check = Task.FromException<bool>(ex);
        }

        this.WhenDone(check, t => OnConnectivityChecked(attempt, t, error));
    }

    private void OnConnectivityChecked(int attempt, Task<bool> check, ErrorInfo error)
    {
        if (attempt != _attemptId)
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
        DisposeTransport();
        _idleTimer.Cancel();
        EnterDisconnectedOrSuspended(error, immediateRetry: true, renewToken, preferFallback);
    }

    private void EnterDisconnectedOrSuspended(ErrorInfo error, bool immediateRetry, bool renewToken = false, bool preferFallback = false)
    {
        OnAttemptEnded(error);
        _disconnectedSince ??= Now;
        if (!_suspendTimer.IsRunning && _state == ConnectionState.Connected)
        {
            _suspendTimer.Start(_connectionStateTtl, OnSuspendTimeout);
        }

        if (Now - _disconnectedSince.Value >= _connectionStateTtl)
        {
            EnterSuspended(error);
            return;
        }

        if (!_options.QueueMessages)
        {
            // RTN7d: without queueing, nothing waits for a reconnection.
            FailAllMessages(error);
        }

        if (immediateRetry)
        {
            // RTN15a: the first reconnection after losing a CONNECTED transport is immediate.
            SetState(ConnectionState.Disconnected, error, TimeSpan.Zero);
            StartConnecting(renewToken, preferFallback ? 1 : 0);
            return;
        }

        _retryCount++;
        var delay = RetryDelay(_retryCount);
        SetState(ConnectionState.Disconnected, error, delay);
        _retryTimer.Start(delay, () => StartConnecting(renewToken: false, startHostIndex: 0));
    }

    /// <summary>RTN14d: the RTB1 backoff of disconnectedRetryTimeout.</summary>
    private TimeSpan RetryDelay(int attempt) => RetryBackoff.Delay(_options.DisconnectedRetryTimeout, attempt, _random);

    private void OnSuspendTimeout()
    {
        // RTN14e: connectionStateTtl has passed without a connection.
        if (_state is ConnectionState.Disconnected or ConnectionState.Connecting)
        {
            DisposeTransport();
            _connectTimer.Cancel();
            EnterSuspended(_errorReason);
        }
    }

    private void EnterSuspended(ErrorInfo? cause)
    {
        DisposeTransport();
        _connectTimer.Cancel();
        _retryTimer.Cancel();
        _suspendTimer.Cancel();
        var reason = new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "Connection to server unavailable; suspended (RTN14e).") { Cause = cause };

        // RTN7e: pending and queued publishes fail on SUSPENDED.
        FailAllMessages(reason);
        SetState(ConnectionState.Suspended, reason, _options.SuspendedRetryTimeout);
        _retryTimer.Start(_options.SuspendedRetryTimeout, () => StartConnecting(renewToken: false, startHostIndex: 0));
    }

    private void DisposeTransport()
    {
        var transport = _transport;
        _transport = null;
        if (transport is not null)
        {
            try
            {
                transport.Close();
            }
            catch (Exception ex)
            {
                RealtimeLog.LoopFault(_logger, ex);
            }
        }
    }

    private static ErrorInfo ErrorFrom(Exception? ex, int fallbackCode) => ex switch
    {
        AblyException ably => ably.ErrorInfo,
        null => new ErrorInfo(fallbackCode, 400, "Unknown transport failure."),
        _ => new ErrorInfo(fallbackCode, 400, ex.Message),
    };
}
