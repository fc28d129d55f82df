using Reliably.Rx.Auth;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>Token errors and re-authentication (RTN14b, RTN15h, RTN22, RTC8).</summary>
internal sealed partial class ConnectionLoop
{
    private readonly List<TaskCompletionSource<bool>> _authWaiters = new();

    /// <summary>A token error in DISCONNECTED or ERROR, while connecting or connected.</summary>
    private void OnTokenError(ErrorInfo error)
    {
        if (!_auth.CanRenewToken)
        {
            // RTN14b, RTN15h1: no means to renew: FAILED. RSA4a2: the error is 40171, the server's token error its cause,
            // whether the token was refused while connecting or a live connection was told it expired.
            Fail(AblyAuth.NoMeansToRenew(error).ErrorInfo);
            return;
        }

        RealtimeLog.RenewingToken(_logger, error.Code);
        switch (_state)
        {
            case ConnectionState.Connecting when !_tokenRenewedThisCycle:
                // RTN14b: renew once and retry at once.
                DisposeTransport();
                BeginAttempt(renewToken: true);
                break;
            case ConnectionState.Connecting:
                // RTN14b: the renewed token was rejected as well: DISCONNECTED, and retry later.
                AttemptFailed(error, qualifiesForFallback: false);
                break;
            case ConnectionState.Connected:
                // RTN15h2: renew and resume at once.
                ConnectionLost(error, renewToken: true);
                break;
        }
    }

    /// <summary>An authentication failure while obtaining credentials for an attempt (RSA4c, RSA4d).</summary>
    private void OnAuthFailure(Exception? exception)
    {
        var inner = exception is AblyException ably ? ably.ErrorInfo : new ErrorInfo(ErrorCodes.AuthCallbackError, 401, exception?.Message ?? "Authentication failed.");
        if (inner.Code == ErrorCodes.NoMeansToRenewToken || inner.StatusCode == 403)
        {
            // RSA4d: a 403 from the auth callback/URL, or no means to obtain a token, is fatal.
            Fail(inner);
            return;
        }

        // RSA4c: other auth failures leave the connection DISCONNECTED (or SUSPENDED) and retrying.
        var error = new ErrorInfo(ErrorCodes.AuthCallbackFailed, 401, "Unable to obtain a token: " + inner.Message) { Cause = inner };
        AttemptFailed(error, qualifiesForFallback: false);
    }

    /// <summary>RTN22: the server asks for re-authentication; renew the token and send it in band.</summary>
    private void OnServerAuth()
    {
        if (_state != ConnectionState.Connected || _credentials is null || _credentials.IsBasic)
        {
            return;
        }

        _ = ReauthorizeAsync(null);
    }

    /// <summary>
    /// RTC8: re-authorizes the connection with <paramref name="credentials"/> (from the shared auth's AuthorizeAsync), or
    /// with a renewed token when null. CONNECTED: sends AUTH and completes on the next CONNECTED, which emits UPDATE
    /// (RTC8a). CONNECTING: restarts the attempt with the new token (RTC8b). Otherwise: connects (RTC8c). Faults when
    /// the connection ends up FAILED, SUSPENDED or CLOSED instead.
    /// </summary>
    public Task ReauthorizeAsync(AuthCredentials? credentials)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Execute(() => BeginReauthorize(credentials, done)))
        {
            done.TrySetException(new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."));
        }

        return done.Task;
    }

    private void BeginReauthorize(AuthCredentials? credentials, TaskCompletionSource<bool> done)
    {
        _authWaiters.Add(done);
        if (credentials is not null)
        {
            ApplyNewCredentials(credentials);
            return;
        }

        ValueTask<AuthCredentials> renewal;
        try
        {
            renewal = _credentials is null ? _auth.GetCredentialsAsync(_lifetime.Token) : _auth.RenewAsync(_credentials, _lifetime.Token);
        }
        catch (Exception ex)
        {
            renewal = ValueTask.FromException<AuthCredentials>(ex);
        }

        if (renewal.IsCompleted)
        {
            OnReauthorizeCredentials(renewal.AsTask());
        }
        else
        {
            renewal.AsTask().ContinueWith(
                (t, state) => ((ConnectionLoop)state!).Post(() => OnReauthorizeCredentials(t)),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void OnReauthorizeCredentials(Task<AuthCredentials> task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            var error = task.Exception?.GetBaseException() is AblyException ably
                ? ably.ErrorInfo
                : new ErrorInfo(ErrorCodes.AuthCallbackError, 401, "Re-authentication failed.");
            if (_state == ConnectionState.Connected)
            {
                // RSA4c3: a failed re-authentication leaves a live connection CONNECTED, reported as an UPDATE.
                SetState(ConnectionState.Connected, error);
            }

            CompleteAuthWaiters(error);
            return;
        }

        ApplyNewCredentials(task.Result);
    }

    private void ApplyNewCredentials(AuthCredentials credentials)
    {
        _credentials = credentials;
        switch (_state)
        {
            case ConnectionState.Connected when credentials.Token is { } token:
                SendFrame(new ProtocolMessage(ProtocolAction.Auth) { Auth = new AuthDetails { AccessToken = token.Token } });
                break;
            case ConnectionState.Connecting:
                BeginAttempt(renewToken: false);
                break;
            case ConnectionState.Connected:
                CompleteAuthWaiters(null);
                break;
            default:
                Connect();
                break;
        }
    }

    private void CompleteAuthWaiters(ErrorInfo? error)
    {
        if (_authWaiters.Count == 0)
        {
            return;
        }

        var waiters = _authWaiters.ToArray();
        _authWaiters.Clear();
        foreach (var waiter in waiters)
        {
            if (error is null)
            {
                waiter.TrySetResult(true);
            }
            else
            {
                waiter.TrySetException(new AblyException(error));
            }
        }
    }
}
