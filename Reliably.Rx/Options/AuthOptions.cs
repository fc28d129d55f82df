namespace Reliably.Rx;

/// <summary>
/// Authentication options for one <c>Auth.RequestTokenAsync</c>, <c>CreateTokenRequestAsync</c> or
/// <c>AuthorizeAsync</c> call (AO2). When given, they replace the client's own auth options for that call
/// (RSA8e); <c>AuthorizeAsync</c> also keeps them for later renewals (RSA10g).
/// </summary>
public sealed record AuthOptions
{
    /// <summary>An API key, <c>appId.keyId:secret</c>, to sign token requests with.</summary>
    public string? Key { get; init; }

    /// <summary>Called for a token; returns a token string, <see cref="TokenDetails"/> or <see cref="TokenRequest"/> (RSA8d).</summary>
    public Func<TokenParams, CancellationToken, Task<object>>? AuthCallback { get; init; }

    /// <summary>A URL that answers with a token string, TokenDetails or TokenRequest (RSA8c).</summary>
    public Uri? AuthUrl { get; init; }

    /// <summary>The HTTP method for <see cref="AuthUrl"/>: GET (default) or POST.</summary>
    public HttpMethod AuthMethod { get; init; } = HttpMethod.Get;

    /// <summary>Extra headers for <see cref="AuthUrl"/> requests.</summary>
    public IReadOnlyDictionary<string, string>? AuthHeaders { get; init; }

    /// <summary>Extra parameters for <see cref="AuthUrl"/> requests (query for GET, form body for POST).</summary>
    public IReadOnlyDictionary<string, string>? AuthParams { get; init; }

    /// <summary>Asks the server for the time when creating token requests (RSA9d).</summary>
    public bool QueryTime { get; init; }

    /// <summary>Creates auth options from the auth part of client options.</summary>
    public static AuthOptions From(ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AuthOptions
        {
            Key = options.Key,
            AuthCallback = options.AuthCallback,
            AuthUrl = options.AuthUrl,
            AuthMethod = options.AuthMethod,
            AuthHeaders = options.AuthHeaders,
            AuthParams = options.AuthParams,
            QueryTime = options.QueryTime,
        };
    }

    /// <summary>True when a new token can be obtained with these options (RSA4a).</summary>
    internal bool CanObtainToken => Key is not null || AuthCallback is not null || AuthUrl is not null;

    /// <summary>Prints the options without their secrets: the key as its key name, header and parameter values redacted.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        Security.Redacted.PrintMembers(this, builder, nameof(Key), nameof(AuthHeaders), nameof(AuthParams));
}
