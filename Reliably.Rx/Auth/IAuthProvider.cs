namespace Reliably.Rx.Auth;

/// <summary>
/// The contract between the shared auth machinery (implemented for REST) and its users: the REST request pipeline and
/// the realtime connection. Keeps token selection, renewal and de-duplication of concurrent renewals (RSA4, RSA4b) in
/// one place.
/// </summary>
internal interface IAuthProvider
{
    /// <summary>True when requests authenticate with the key itself (Basic auth, RSA1), false for token auth.</summary>
    bool UsesBasicAuth { get; }

    /// <summary>True when a new token can be obtained: a key, an authCallback or an authUrl is configured (RSA4a).</summary>
    bool CanRenewToken { get; }

    /// <summary>The clientId this client acts as, when known (RSA7, RSA12).</summary>
    string? ClientId { get; }

    /// <summary>
    /// The credentials for the next request or connection: the key for Basic auth, or a valid token (obtained or
    /// renewed first when there is none or it has expired, RSA4b1). Concurrent callers share one token request.
    /// </summary>
    /// <exception cref="AblyException">40171 when a token is needed and cannot be obtained; 40170/80019 when the authCallback or authUrl fails.</exception>
    ValueTask<AuthCredentials> GetCredentialsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Discards <paramref name="rejected"/> (after a 4014x token error) and obtains a new token. Concurrent callers that
    /// report the same rejected token share one renewal.
    /// </summary>
    ValueTask<AuthCredentials> RenewAsync(AuthCredentials rejected, CancellationToken cancellationToken);

    /// <summary>Called when the server confirms a clientId (connectionDetails, RSA7b, RTC8).</summary>
    void OnClientIdConfirmed(string? clientId);

    /// <summary>
    /// Registers the realtime connection that an explicit <c>AuthorizeAsync</c> (RSA10) re-authenticates with the token it
    /// obtained (RTC8): <c>AuthorizeAsync</c> completes when the task <paramref name="reauthorize"/> returns does, once the
    /// server accepted the token (CONNECTED) or the connection failed (RTC8a3, RTC8b1). Automatic renewals through
    /// <see cref="RenewAsync"/> and <see cref="GetCredentialsAsync"/> do not call it: their callers already have the result.
    /// Disposing the registration removes it. The default (for interim providers) registers nothing.
    /// </summary>
    IDisposable OnAuthorize(Func<AuthCredentials, Task> reauthorize) => System.Reactive.Disposables.Disposable.Empty;
}
