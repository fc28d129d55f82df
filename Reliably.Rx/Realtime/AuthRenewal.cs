using Reliably.Rx.Auth;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The connection's credentials and their renewal (RSA4, RTN14b, RTN15h, RTN22, RTC8): the credentials of the latest
/// attempt, how the next ones are obtained, the errors a failure to obtain them becomes, and the callers of a
/// re-authorization awaiting its outcome. Loop only.
/// </summary>
internal sealed class AuthRenewal
{
    private readonly List<TaskCompletionSource<bool>> _waiters = new();

    public AuthRenewal(IAuthProvider provider)
    {
        Provider = provider;
    }

    /// <summary>The client's auth: the shared one, or a test's.</summary>
    public IAuthProvider Provider { get; }

    /// <summary>The credentials the connection last used or was given; null before the first attempt obtained them.</summary>
    public AuthCredentials? Credentials { get; set; }

    /// <summary>How many re-authorizations await their outcome.</summary>
    public int Waiting => _waiters.Count;

    /// <summary>
    /// Obtains credentials: a renewal of the current token when <paramref name="renew"/> and there are credentials to
    /// renew (<paramref name="renewed"/> says so), else the provider's current ones. A provider that throws gives a
    /// faulted task, never an exception into the loop.
    /// </summary>
    public ValueTask<AuthCredentials> Obtain(bool renew, CancellationToken cancellationToken, out bool renewed)
    {
        renewed = renew && Credentials is not null;
        try
        {
            return renewed ? Provider.RenewAsync(Credentials!, cancellationToken) : Provider.GetCredentialsAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<AuthCredentials>(ex);
        }
    }

    /// <summary>Adds a caller of a re-authorization (RTC8) that completes with <see cref="Complete"/>.</summary>
    public void Await(TaskCompletionSource<bool> done) => _waiters.Add(done);

    /// <summary>Completes every caller awaiting a re-authorization: successfully when <paramref name="error"/> is null.</summary>
    public void Complete(ErrorInfo? error)
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        var waiters = _waiters.ToArray();
        _waiters.Clear();
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

    /// <summary>
    /// The error to surface when a token for the connection could not be obtained, and whether it is fatal. RSA4c1: 80019,
    /// 401, the underlying error as the cause; RSA4d: 80019, 403 and FAILED when that error has status 403. The client's
    /// own "no means to obtain a token" (40171, 40106) is fatal and surfaced as it is (RSA4a2).
    /// </summary>
    public static ErrorInfo AttemptError(Exception? exception, out bool fatal)
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
}
