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
        var error = AuthAttemptError(exception, out var fatal);
        if (fatal)
        {
            Fail(error);
            return;
        }

        // RSA4c2: the attempt was unsuccessful: DISCONNECTED (or SUSPENDED), and retrying.
        AttemptFailed(error, qualifiesForFallback: false);
    }

    /// <summary>
    /// The error to surface when a token for the connection could not be obtained, and whether it is fatal. RSA4c1: 80019,
    /// 401, the underlying error as the cause; RSA4d: 80019, 403 and FAILED when that error has status 403. The client's
    /// own "no means to obtain a token" (40171, 40106) is fatal and surfaced as it is (RSA4a2).
    /// </summary>
    private static ErrorInfo AuthAttemptError(Exception? exception, out bool fatal)
    {
        var error = exception is AblyException ably
            ? ably.ErrorInfo
            : new ErrorInfo(ErrorCodes.AuthCallbackError, 401, exception?.Message ?? "Authentication failed.");
        if (error.Code is ErrorCodes.NoMeansToRenewToken or ErrorCodes.NoAuthMeans)
        {
            fatal = true;
            return error;
        }

        // The shared auth reports a failing authCallback or authUrl as 40170 with their own error as the cause (RSA4e):
        // that error is the underlying cause here.
        var underlying = error.Code == ErrorCodes.AuthCallbackError && error.Cause is { } cause ? cause : error;
        fatal = underlying.StatusCode == 403;
        return new ErrorInfo(ErrorCodes.AuthCallbackFailed, fatal ? 403 : 401, "Unable to obtain a token: " + underlying.Message)
        {
            Cause = underlying,
            Href = ErrorInfo.HrefFor(ErrorCodes.AuthCallbackFailed),
        };
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
        // AuthorizeAsync awaits this task before its own completes. In virtual time everything runs on the test's thread,
        // and a continuation sent to the thread pool would arrive after the test has stopped advancing: it runs inline.
        var done = new TaskCompletionSource<bool>(_turns.DedicatedThread ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
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

        this.WhenDone(renewal.AsTask(), OnReauthorizeCredentials);
    }

    private void OnReauthorizeCredentials(Task<AuthCredentials> task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            var error = AuthAttemptError(task.Exception?.GetBaseException(), out var fatal);
            if (fatal)
            {
                // RSA4d, RSA4d1: a 403 while re-authenticating fails the connection, even a live one.
                Fail(error);
            }
            else if (_state == ConnectionState.Connected)
            {
                // RSA4c3: a failed re-authentication leaves a live connection CONNECTED; RSA4c1: the error becomes the
                // connection's errorReason, reported as an UPDATE.
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
