using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Http;
using Reliably.Rx.Auth;

namespace Reliably.Rx;

/// <summary>
/// Authentication of a client (RSA): Basic auth with an API key, or token auth with a token, a key that signs token
/// requests, an authCallback or an authUrl. Obtained from <c>AblyRest.Auth</c>; shared by the realtime client.
/// </summary>
/// <remarks>
/// Thread-safe. Tokens are renewed when they have expired (by the client's scheduler clock, RSA4b1) or when the
/// server rejects them with 40140-40149 (RSA4b); concurrent callers that need a new token share one token request.
/// </remarks>
public sealed partial class AblyAuth : IAuthProvider
{
    private readonly object _gate = new();
    private readonly ClientOptions _options;
    private readonly RestHttp _http;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly TaskCreationOptions _renewalOptions;
    private Func<AuthCredentials, Task>? _reauthorize;
    private AuthOptions _authOptions;
    private TokenParams? _tokenParams;
    private ApiKey? _key;
    private bool _basic;
    private TokenDetails? _current;
    private Task<TokenDetails>? _renewal;
    private TimeSpan? _serverTimeOffset;
    private bool _localExpiryUnreliable;
    private string? _confirmedClientId;

    internal AblyAuth(ClientOptions options, RestHttp http, ILogger logger)
    {
        _options = options;
        _http = http;
        _scheduler = http.Scheduler;
        _logger = logger;

        // In virtual time the test's thread is the only thread: callers waiting for a token resume there, inline, as the
        // scheduler completes the renewal. A hop to the thread pool would race the test's scheduler, which is not
        // thread-safe, and the client's next request would reach it at no defined virtual time.
        _renewalOptions = Realtime.VirtualTime.Is(_scheduler) ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;
        Validate(options);
        _authOptions = AuthOptions.From(options);
        _tokenParams = options.DefaultTokenParams;
        _key = options.Key is null ? null : ApiKey.Parse(options.Key);
        _basic = UsesBasicAuthFor(options);
        _current = options.TokenDetails ?? (options.Token is { } token ? new TokenDetails(token) : null);

        if (!_basic && !_authOptions.CanObtainToken)
        {
            RestLog.TokenCannotBeRenewed(_logger);
        }
    }

    /// <summary>
    /// The clientId of this client (RSA7, RSA12): the one in the client options, else the one the current token is
    /// bound to (possibly <c>*</c>), else the one the server confirmed; null when anonymous or not yet known.
    /// </summary>
    public string? ClientId
    {
        get
        {
            lock (_gate)
            {
                return _options.ClientId ?? _current?.ClientId ?? _confirmedClientId;
            }
        }
    }

    /// <summary>The token in use, or null with Basic auth or before the first token was obtained (RSA16).</summary>
    public TokenDetails? TokenDetails
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>True when requests authenticate with the key itself (Basic auth, RSA1); false for token auth.</summary>
    public bool IsBasicAuth
    {
        get
        {
            lock (_gate)
            {
                return _basic;
            }
        }
    }

    bool IAuthProvider.UsesBasicAuth => IsBasicAuth;

    bool IAuthProvider.CanRenewToken => CanRenewToken;

    IDisposable IAuthProvider.OnAuthorize(Func<AuthCredentials, Task> reauthorize)
    {
        Volatile.Write(ref _reauthorize, reauthorize);
        return System.Reactive.Disposables.Disposable.Create(() => Interlocked.CompareExchange(ref _reauthorize, null, reauthorize));
    }

    internal bool CanRenewToken
    {
        get
        {
            lock (_gate)
            {
                return _authOptions.CanObtainToken;
            }
        }
    }

    /// <summary>The scheduler's now corrected by the server time offset once known (RSA10k).</summary>
    internal DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return NowLocked();
            }
        }
    }

    /// <summary>Server time as best known: the scheduler's clock plus the offset measured with /time (RSA10k).</summary>
    private DateTimeOffset NowLocked() => _scheduler.Now + (_serverTimeOffset ?? TimeSpan.Zero);

    /// <summary>
    /// RSA4b1: true when <paramref name="token"/> has expired by the local clock. Not trusted once a freshly issued
    /// token already looked expired (the local clock runs ahead and no server offset is known): the server's token
    /// error then decides (RSA4b), instead of a renewal before every request.
    /// </summary>
    private bool IsExpiredLocked(TokenDetails token) => !_localExpiryUnreliable && token.IsExpiredAt(NowLocked());

    /// <summary>Records a newly obtained token; must be called under the lock.</summary>
    private void AdoptFreshLocked(TokenDetails token)
    {
        _current = token;
        if (_serverTimeOffset is null && token.IsExpiredAt(NowLocked()))
        {
            _localExpiryUnreliable = true;
        }
    }

    async ValueTask<AuthCredentials> IAuthProvider.GetCredentialsAsync(CancellationToken cancellationToken)
    {
        TokenDetails? current;
        lock (_gate)
        {
            if (_basic)
            {
                return new AuthCredentials { Key = _key!.Full };
            }

            current = _current;
        }

        bool expired;
        lock (_gate)
        {
            expired = current is not null && IsExpiredLocked(current);
        }

        if (current is not null && !expired)
        {
            return new AuthCredentials { Token = current };
        }

        if (!CanRenewToken)
        {
            throw current is null
                ? new AblyException(ErrorCodes.NoAuthMeans, 401, "No token and no means to obtain one (key, authCallback or authUrl).")
                : NoMeansToRenew(null);
        }

        return new AuthCredentials { Token = await RenewSharedAsync(current, cancellationToken).ConfigureAwait(false) };
    }

    async ValueTask<AuthCredentials> IAuthProvider.RenewAsync(AuthCredentials rejected, CancellationToken cancellationToken)
    {
        if (rejected.IsBasic)
        {
            // RTN14b, RTN15h2: the realtime server demanded a token of a connection made with the key; the key is a means
            // to obtain one (RSA4a), so the client obtains a token and uses token auth from then on.
            var token = await RenewSharedAsync(null, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _basic = false;
            }

            return new AuthCredentials { Token = token };
        }

        if (!CanRenewToken)
        {
            throw NoMeansToRenew(null);
        }

        return new AuthCredentials { Token = await RenewSharedAsync(rejected.Token, cancellationToken).ConfigureAwait(false) };
    }

    void IAuthProvider.OnClientIdConfirmed(string? clientId)
    {
        lock (_gate)
        {
            _confirmedClientId = clientId;
        }
    }

    internal static AblyException NoMeansToRenew(ErrorInfo? cause) =>
        new(new ErrorInfo(ErrorCodes.NoMeansToRenewToken, 401,
            "The token has expired or was rejected and there is no means to renew it (no key, authCallback or authUrl).")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.NoMeansToRenewToken),
            Cause = cause,
        });

    /// <summary>
    /// Obtains a new token unless someone already replaced <paramref name="stale"/>; callers that arrive while a
    /// renewal is running join it, so N concurrent rejections cause exactly one token request (RSA4b).
    /// </summary>
    private Task<TokenDetails> RenewSharedAsync(TokenDetails? stale, CancellationToken cancellationToken)
    {
        TaskCompletionSource<TokenDetails>? owner = null;
        TokenDetails? replacing = null;
        Task<TokenDetails> shared;
        lock (_gate)
        {
            if (_current is not null && !ReferenceEquals(_current, stale) && _current.Token != stale?.Token
                && !IsExpiredLocked(_current))
            {
                return Task.FromResult(_current);
            }

            if (_renewal is null)
            {
                owner = new TaskCompletionSource<TokenDetails>(_renewalOptions);
                _renewal = owner.Task;
                replacing = _current;
            }

            shared = _renewal;
        }

        if (owner is not null)
        {
            _ = RunRenewalAsync(owner, replacing);
        }

        // One caller giving up must not cancel the renewal the others are waiting for.
        return shared.WaitAsync(cancellationToken);
    }

    private async Task RunRenewalAsync(TaskCompletionSource<TokenDetails> owner, TokenDetails? replacing)
    {
        try
        {
            TokenParams? tokenParams;
            AuthOptions authOptions;
            lock (_gate)
            {
                tokenParams = _tokenParams;
                authOptions = _authOptions;
            }

            var token = await RequestTokenCoreAsync(tokenParams, authOptions, CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                AdoptFreshLocked(token);
                _renewal = null;
            }

            RestLog.TokenObtained(_logger, token.Expires);
            owner.TrySetResult(token);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _renewal = null;

                // RSA16d: the token this renewal was to replace has expired or was rejected, and nothing replaces it.
                if (replacing is not null && ReferenceEquals(_current, replacing))
                {
                    _current = null;
                }
            }

            owner.TrySetException(ex as AblyException ?? new AblyException(ErrorCodes.AuthCallbackError, 401, "Obtaining a token failed.", ex));
        }
    }
}
