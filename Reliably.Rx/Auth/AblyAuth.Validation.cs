using Reliably.Rx.Auth;
namespace Reliably.Rx;

public sealed partial class AblyAuth
{
    /// <summary>
    /// RSA4: Basic auth is used only with a key and none of useTokenAuth, token, tokenDetails, authCallback, authUrl.
    /// </summary>
    internal static bool UsesBasicAuthFor(ClientOptions options) =>
        options.Key is not null
        && !options.UseTokenAuth
        && options.Token is null
        && options.TokenDetails is null
        && options.AuthCallback is null
        && options.AuthUrl is null;

    /// <summary>Checks the auth options of a client (RSC1, RSA1, RSA4, RSA7, RSA15).</summary>
    /// <exception cref="AblyException">With the Ably code for the first problem found.</exception>
    internal static void Validate(ClientOptions options)
    {
        if (options.Key is not null)
        {
            ApiKey.Parse(options.Key); // 40005
        }

        if (options.Token is { Length: 0 } || options.TokenDetails is { Token.Length: 0 })
        {
            throw new AblyException(ErrorCodes.InvalidCredentials, 401, "The token must not be empty.");
        }

        var hasTokenMeans = options.Token is not null || options.TokenDetails is not null || options.AuthCallback is not null || options.AuthUrl is not null;
        if (options.Key is null && !hasTokenMeans)
        {
            // RSC1b, RSA14: there is nothing to authenticate with.
            throw new AblyException(ErrorCodes.NoAuthMeans, 401,
                "No means of authentication: give a key, a token, tokenDetails, an authCallback or an authUrl.");
        }

        if (options.ClientId is not null)
        {
            // RSA7c: the wildcard belongs to tokens, never to a client identity; an empty id is meaningless.
            if (options.ClientId == "*" || options.ClientId.Length == 0)
            {
                throw new AblyException(ErrorCodes.InvalidClientId, 400,
                    "ClientOptions.ClientId must be a non-empty identity; the wildcard '*' is only valid in a token's clientId.");
            }

            if (options.TokenDetails?.ClientId is { } tokenClientId && tokenClientId != "*" && tokenClientId != options.ClientId)
            {
                throw IncompatibleClientId(options.ClientId, tokenClientId);
            }
        }

        if (options.AuthMethod != HttpMethod.Get && options.AuthMethod != HttpMethod.Post)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "AuthMethod must be GET or POST.");
        }

        if (options.AuthUrl is { IsAbsoluteUri: false })
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "AuthUrl must be an absolute URL.");
        }

        if (UsesBasicAuthFor(options) && !options.Tls && !options.AllowInsecureBasicAuth)
        {
            // RSA1, RSC18: the key secret must never travel in clear text.
            throw new AblyException(ErrorCodes.InsecureBasicAuth, 401,
                "Basic auth over a non-TLS connection is refused because it would send the key in clear text. "
                + "Use TLS or token auth (UseTokenAuth = true); for a local emulator only, set AllowInsecureBasicAuth.");
        }
    }

    /// <summary>RSA15c: a token bound to another clientId than the client's own.</summary>
    internal static AblyException IncompatibleClientId(string clientId, string tokenClientId) =>
        new(ErrorCodes.IncompatibleCredentials, 401,
            $"The token's clientId '{tokenClientId}' is incompatible with the client's clientId '{clientId}'.");
}
