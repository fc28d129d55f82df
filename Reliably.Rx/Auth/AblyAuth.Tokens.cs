using System.Buffers;
using System.Reactive.Concurrency;
using Reliably.Rx.Http;
using Reliably.Rx.Serialization;
using Reliably.Rx.Auth;

namespace Reliably.Rx;

public sealed partial class AblyAuth
{
    /// <summary>
    /// Obtains a new token (RSA8) with the authCallback, the authUrl or a token request signed with the key, in that
    /// order of preference. The client's own token is not changed; use <see cref="AuthorizeAsync"/> for that.
    /// </summary>
    /// <param name="tokenParams">Token parameters; absent fields come from <see cref="ClientOptions.DefaultTokenParams"/>.</param>
    /// <param name="authOptions">When given, used instead of the client's auth options for this call (RSA8e).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40106 without any means to get a token; 40170 when the authCallback or authUrl fails; 40102 for a clientId mismatch; the server's error otherwise.</exception>
    public Task<TokenDetails> RequestTokenAsync(TokenParams? tokenParams = null, AuthOptions? authOptions = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => RequestTokenAsyncCore(tokenParams, authOptions, cancellationToken));

    private Task<TokenDetails> RequestTokenAsyncCore(TokenParams? tokenParams, AuthOptions? authOptions, CancellationToken cancellationToken)
    {
        AuthOptions effective;
        TokenParams? defaults;
        lock (_gate)
        {
            effective = authOptions is null ? _authOptions : Complete(authOptions);
            defaults = _tokenParams;
        }

        ValidateAuthOptions(effective);
        return RequestTokenCoreAsync(Merge(defaults, tokenParams), effective, cancellationToken);
    }

    /// <summary>
    /// Obtains a new token now and uses it for every later request, even if the current one is still valid (RSA10).
    /// Switches a Basic-auth client to token auth. Given parameters and options are kept for later renewals (RSA10g).
    /// A realtime client sharing this auth re-authenticates its connection with the new token (RTC8), and the task
    /// completes once the server has accepted it (RTC8a3) or the connection has connected with it (RTC8b, RTC8c).
    /// </summary>
    /// <exception cref="AblyException">As for <see cref="RequestTokenAsync"/>; for a realtime client, the connection's error when it fails, suspends or closes instead (RTC8a2, RTC8b1).</exception>
    public async Task<TokenDetails> AuthorizeAsync(TokenParams? tokenParams = null, AuthOptions? authOptions = null, CancellationToken cancellationToken = default)
    {
        AuthOptions effective;
        TokenParams? storedParams;
        lock (_gate)
        {
            effective = authOptions is null ? _authOptions : Complete(authOptions);
            storedParams = tokenParams ?? _tokenParams;
        }

        ValidateAuthOptions(effective);
        var token = await RequestTokenCoreAsync(storedParams, effective, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _authOptions = effective;
            _tokenParams = storedParams;
            _key = effective.Key is null ? null : ApiKey.Parse(effective.Key);
            _basic = false;
            AdoptFreshLocked(token);
        }

        RestLog.TokenObtained(_logger, token.Expires);
        if (Volatile.Read(ref _reauthorize) is { } reauthorize)
        {
            // RTC8a3, RTC8b1: done once the realtime connection has the token (CONNECTED), or failed with the error.
            await reauthorize(new AuthCredentials { Token = token }).ConfigureAwait(false);
        }

        return token;
    }

    /// <summary>Fills in the key from the client when per-call options carry no means of their own (RSA10j).</summary>
    private AuthOptions Complete(AuthOptions given) =>
        given.CanObtainToken ? given : given with { Key = given.Key ?? _authOptions.Key };

    private static void ValidateAuthOptions(AuthOptions options)
    {
        if (options.Key is not null)
        {
            ApiKey.Parse(options.Key);
        }

        if (!options.CanObtainToken)
        {
            throw new AblyException(ErrorCodes.NoAuthMeans, 401, "No means to obtain a token: give a key, an authCallback or an authUrl.");
        }

        if (options.AuthUrl is { IsAbsoluteUri: false })
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "AuthUrl must be an absolute URL.");
        }

        if (options.AuthMethod != HttpMethod.Get && options.AuthMethod != HttpMethod.Post)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "AuthMethod must be GET or POST.");
        }
    }

    /// <summary>Given params override the defaults field by field.</summary>
    internal static TokenParams? Merge(TokenParams? defaults, TokenParams? given)
    {
        if (defaults is null || given is null)
        {
            return given ?? defaults;
        }

        return new TokenParams
        {
            Ttl = given.Ttl ?? defaults.Ttl,
            Capability = given.Capability ?? defaults.Capability,
            ClientId = given.ClientId ?? defaults.ClientId,
            Timestamp = given.Timestamp,
            Nonce = given.Nonce,
        };
    }

    private async Task<TokenDetails> RequestTokenCoreAsync(TokenParams? tokenParams, AuthOptions authOptions, CancellationToken cancellationToken)
    {
        // RSA7d: unless the caller asks otherwise, tokens are bound to the client's clientId.
        var effectiveParams = tokenParams ?? new TokenParams();
        if (effectiveParams.ClientId is null && _options.ClientId is not null)
        {
            effectiveParams = effectiveParams with { ClientId = _options.ClientId };
        }

        TokenDetails token;
        if (authOptions.AuthCallback is not null)
        {
            token = await FromAuthCallbackAsync(authOptions.AuthCallback, effectiveParams, cancellationToken).ConfigureAwait(false);
        }
        else if (authOptions.AuthUrl is not null)
        {
            token = await FromAuthUrlAsync(authOptions, effectiveParams, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var request = await CreateTokenRequestCoreAsync(effectiveParams, authOptions, cancellationToken).ConfigureAwait(false);
            token = await ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (_options.ClientId is { } clientId && token.ClientId is { } tokenClientId && tokenClientId != "*" && tokenClientId != clientId)
        {
            throw IncompatibleClientId(clientId, tokenClientId);
        }

        return token;
    }

    private async Task<TokenDetails> FromAuthCallbackAsync(Func<TokenParams, CancellationToken, Task<object>> callback, TokenParams tokenParams, CancellationToken cancellationToken)
    {
        object? result;
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            result = await WithinRequestTimeout(callback(tokenParams, answered.Token), answered).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (AblyException ex) when (ex.ErrorInfo.Code == ErrorCodes.AuthCallbackError && answered.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // RSA4e: a failing callback is reported as 40170 with its error as the cause.
            throw AuthCallbackFailed("The authCallback failed: " + ex.Message, ex);
        }

        var tokenText = result switch
        {
            string text => text,
            TokenDetails details => details.Token,
            _ => null,
        };
        if (tokenText is { Length: > MaxTokenChars } && System.Text.Encoding.UTF8.GetByteCount(tokenText) > MaxTokenBytes)
        {
            // RSA4f: a token of more than 128 KiB is in an invalid format.
            throw AuthCallbackFailed("The authCallback returned a token of more than 128 KiB (RSA4f).", null);
        }

        return result switch
        {
            string { Length: > 0 } text => new TokenDetails(text),
            TokenDetails { Token.Length: > 0 } details => details,
            TokenRequest request => await ExchangeAsync(request, cancellationToken).ConfigureAwait(false),
            _ => throw AuthCallbackFailed(
                $"The authCallback returned {(result is null ? "null" : result.GetType().Name)}; expected a token string, TokenDetails or TokenRequest.", null),
        };
    }

    /// <summary>
    /// RSA4c: an authCallback that has not answered within realtimeRequestTimeout (on the client's scheduler) fails with
    /// 40170, and its cancellation token is cancelled. Callers that join a renewal in progress (RSA4b) would otherwise wait
    /// for a callback that never answers, and a realtime connection would never obtain a token again.
    /// </summary>
    private async Task<object> WithinRequestTimeout(Task<object> call, CancellationTokenSource answered)
    {
        var timedOut = new TaskCompletionSource<object>(_renewalOptions);
        var timeout = _options.RealtimeRequestTimeout;
        using (_scheduler.Schedule(timeout, () => timedOut.TrySetException(AuthCallbackFailed(
            $"The authCallback did not answer within realtimeRequestTimeout ({timeout.TotalSeconds:0.###} s).", null))))
        {
            if (await Task.WhenAny(call, timedOut.Task).ConfigureAwait(false) == call)
            {
                return await call.ConfigureAwait(false);
            }
        }

        // The callback's eventual outcome is no longer wanted; a late fault is observed here, not left unobserved.
        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await answered.CancelAsync().ConfigureAwait(false);
        return await timedOut.Task.ConfigureAwait(false);
    }

    /// <summary>Exchanges a signed TokenRequest for a token: POST /keys/{keyName}/requestToken, JSON, no Authorization (RSA8b).</summary>
    private async Task<TokenDetails> ExchangeAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.KeyName))
        {
            throw AuthCallbackFailed("The TokenRequest has no keyName.", null);
        }

        var codec = _http.Codecs.Json;
        var body = new ArrayBufferWriter<byte>();
        codec.WriteTokenRequest(request, body);
        var rest = new RestRequest(HttpMethod.Post, "/keys/" + Uri.EscapeDataString(request.KeyName) + "/requestToken")
        {
            Body = body.WrittenMemory.ToArray(),
            Format = WireFormat.Json,
            Authenticated = false,
        };

        var response = await _http.SendAsync(rest, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw RestErrors.ExceptionOf(response, _http.Codecs);
        }

        return _http.Codecs.ForResponse(response, WireFormat.Json).ReadTokenDetails(response.Body);
    }

    /// <summary>RSA4f: the largest token string, in UTF-8 bytes, that is not in an invalid format.</summary>
    private const int MaxTokenBytes = 128 * 1024;

    /// <summary>A string of up to this many chars is at most <see cref="MaxTokenBytes"/> UTF-8 bytes (4 per char pair at most).</summary>
    private const int MaxTokenChars = MaxTokenBytes / 3;

    internal static AblyException AuthCallbackFailed(string message, Exception? inner) =>
        new(new ErrorInfo(ErrorCodes.AuthCallbackError, 401, message)
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.AuthCallbackError),
            Cause = (inner as AblyException)?.ErrorInfo,
        }, inner);
}
