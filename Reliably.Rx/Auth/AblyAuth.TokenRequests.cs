using Reliably.Rx.Http;
using Reliably.Rx.Serialization;
using Reliably.Rx.Auth;

namespace Reliably.Rx;

public sealed partial class AblyAuth
{
    /// <summary>
    /// Creates a TokenRequest signed with the key (RSA9), for a client that has no key to exchange for a token.
    /// No HTTP request is made unless <see cref="AuthOptions.QueryTime"/> asks for the server's time (RSA9d).
    /// </summary>
    /// <param name="tokenParams">Token parameters; absent fields come from <see cref="ClientOptions.DefaultTokenParams"/>.</param>
    /// <param name="authOptions">When given, used instead of the client's auth options for this call.</param>
    /// <param name="cancellationToken">Cancels the time query.</param>
    /// <exception cref="AblyException">40106 without a key; 40005 for a malformed key; 40003 for a nonce under 16 characters or a bad capability.</exception>
    public Task<TokenRequest> CreateTokenRequestAsync(TokenParams? tokenParams = null, AuthOptions? authOptions = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => CreateTokenRequestAsyncCore(tokenParams, authOptions, cancellationToken));

    private Task<TokenRequest> CreateTokenRequestAsyncCore(TokenParams? tokenParams, AuthOptions? authOptions, CancellationToken cancellationToken)
    {
        AuthOptions effective;
        TokenParams? defaults;
        lock (_gate)
        {
            effective = authOptions is null ? _authOptions : authOptions with { Key = authOptions.Key ?? _authOptions.Key };
            defaults = _tokenParams;
        }

        var merged = Merge(defaults, tokenParams) ?? new TokenParams();
        if (merged.ClientId is null && _options.ClientId is not null)
        {
            merged = merged with { ClientId = _options.ClientId };
        }

        return CreateTokenRequestCoreAsync(merged, effective, cancellationToken);
    }

    private async Task<TokenRequest> CreateTokenRequestCoreAsync(TokenParams tokenParams, AuthOptions authOptions, CancellationToken cancellationToken)
    {
        if (authOptions.Key is null)
        {
            throw new AblyException(ErrorCodes.NoAuthMeans, 401, "A key is needed to sign a token request.");
        }

        var key = ApiKey.Parse(authOptions.Key);
        if (tokenParams.Nonce is { } nonce && nonce.Length < TokenRequestSigner.MinNonceLength)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A token request nonce must have at least 16 characters.");
        }

        if (tokenParams.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A token TTL must be positive.");
        }

        if (tokenParams.Capability is { } capability)
        {
            Capability.Parse(capability); // 40000 on malformed JSON, before anything is signed.
        }

        var timestamp = tokenParams.Timestamp;
        if (timestamp is null)
        {
            if (authOptions.QueryTime)
            {
                await EnsureServerTimeOffsetAsync(cancellationToken).ConfigureAwait(false);
            }

            timestamp = Now;
        }

        var unsigned = new TokenRequest
        {
            KeyName = key.KeyName,
            Ttl = tokenParams.Ttl,
            Capability = tokenParams.Capability,
            ClientId = tokenParams.ClientId,
            // Millisecond precision on the wire; sign exactly what is sent.
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.Value.ToUnixTimeMilliseconds()),
            Nonce = tokenParams.Nonce ?? TokenRequestSigner.NewNonce(_http.Random),
        };

        return unsigned with { Mac = TokenRequestSigner.ComputeMac(unsigned, key.Secret) };
    }

    /// <summary>RSA10k: the server time offset is obtained once and then reused.</summary>
    private async Task EnsureServerTimeOffsetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_serverTimeOffset is not null)
            {
                return;
            }
        }

        var serverTime = await FetchServerTimeAsync(_http, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _serverTimeOffset = serverTime - _scheduler.Now;
            _localExpiryUnreliable = false;
        }
    }

    /// <summary>GET /time (RSC16): JSON, no Authorization, reply <c>[ms]</c>.</summary>
    internal static async Task<DateTimeOffset> FetchServerTimeAsync(RestHttp http, CancellationToken cancellationToken)
    {
        var request = new RestRequest(HttpMethod.Get, "/time") { Format = WireFormat.Json, Authenticated = false };
        var response = await http.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw RestErrors.ExceptionOf(response, http.Codecs);
        }

        // The service answers [ms]; a bare number or {"time": ms} is accepted too.
        return AuthTrees.ReadServerTime(http.Codecs.ForResponse(response, WireFormat.Json), response.Body);
    }
}
