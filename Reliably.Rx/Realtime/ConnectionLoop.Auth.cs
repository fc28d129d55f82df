using Reliably.Rx.Auth;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>Token errors and re-authentication (RTN14b, RTN15h, RTN22, RTC8); the credentials live in <see cref="AuthRenewal"/>.</summary>
internal sealed partial class ConnectionLoop
{
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
            done.TrySetException(new AblyException(ConnectionErrors.Disposed));
        }

        return done.Task;
    }

    /// <summary>A token error in DISCONNECTED or ERROR, while connecting or connected.</summary>
    private void OnTokenError(ErrorInfo error)
    {
        if (!_auth.Provider.CanRenewToken)
        {
            // RTN14b, RTN15h1: no means to renew: FAILED. RSA4a2: the error is 40171, the server's token error its cause,
            // whether the token was refused while connecting or a live connection was told it expired.
            Fail(AblyAuth.NoMeansToRenew(error).ErrorInfo);
            return;
        }

        RealtimeLog.RenewingToken(_logger, error.Code);
        switch (_state)
        {
            case ConnectionState.Connecting when !_attempts.TokenRenewed:
                // RTN14b: renew once and retry at once.
                _transport.Close();
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
        var error = AuthRenewal.AttemptError(exception, out var fatal);
        if (fatal)
        {
            Fail(error);
            return;
        }

        // RSA4c2: the attempt was unsuccessful: DISCONNECTED (or SUSPENDED), and retrying.
        AttemptFailed(error, qualifiesForFallback: false);
    }

    /// <summary>RTN22: the server asks for re-authentication; renew the token and send it in band.</summary>
    private void OnServerAuth()
    {
        if (_state != ConnectionState.Connected || _auth.Credentials is not { IsBasic: false })
        {
            return;
        }

        _ = ReauthorizeAsync(null);
    }

    private void BeginReauthorize(AuthCredentials? credentials, TaskCompletionSource<bool> done)
    {
        _auth.Await(done);
        if (credentials is not null)
        {
            ApplyNewCredentials(credentials);
            return;
        }

        this.WhenDone(_auth.Obtain(renew: true, _lifetime.Token, out _).AsTask(), OnReauthorizeCredentials);
    }

    private void OnReauthorizeCredentials(Task<AuthCredentials> task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            var error = AuthRenewal.AttemptError(task.Exception?.GetBaseException(), out var fatal);
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

            _auth.Complete(error);
            return;
        }

        ApplyNewCredentials(task.Result);
    }

    private void ApplyNewCredentials(AuthCredentials credentials)
    {
        _auth.Credentials = credentials;
        switch (_state)
        {
            case ConnectionState.Connected when credentials.Token is { } token:
                _transport.Write(new ProtocolMessage(ProtocolAction.Auth) { Auth = new AuthDetails { AccessToken = token.Token } });
                break;
            case ConnectionState.Connecting:
                BeginAttempt(renewToken: false);
                break;
            case ConnectionState.Connected:
                _auth.Complete(null);
                break;
            default:
                Connect();
                break;
        }
    }
}
