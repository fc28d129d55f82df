using System.Globalization;
using System.Text;
using Reliably.Rx.Http;
using Reliably.Rx.Serialization;
using Reliably.Rx.Auth;

namespace Reliably.Rx;

public sealed partial class AblyAuth
{
    private const int MaxAuthUrlResponseBytes = 128 * 1024;

    /// <summary>
    /// RSA8c: asks the authUrl for a token. GET sends authParams and token params in the query, POST as a form body;
    /// token params take precedence over authParams (RSA8c2). The reply's content type decides how it is read:
    /// JSON is TokenDetails or a TokenRequest (then exchanged), text/plain or application/jwt is a token string.
    /// Every failure is 40170 with the cause attached (RSA4e).
    /// </summary>
    private async Task<TokenDetails> FromAuthUrlAsync(AuthOptions authOptions, TokenParams tokenParams, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in authOptions.AuthParams ?? new Dictionary<string, string>())
        {
            parameters[name] = value;
        }

        foreach (var (name, value) in TokenParamsAsFields(tokenParams))
        {
            parameters[name] = value;
        }

        var isPost = authOptions.AuthMethod == HttpMethod.Post;
        var uri = authOptions.AuthUrl!;
        if (!isPost && parameters.Count > 0)
        {
            var query = string.Join("&", parameters.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));
            var builder = new UriBuilder(uri);
            builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? query : builder.Query.TrimStart('?') + "&" + query;
            uri = builder.Uri;
        }

        using var message = new HttpRequestMessage(isPost ? HttpMethod.Post : HttpMethod.Get, uri);
        foreach (var (name, value) in authOptions.AuthHeaders ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        message.Headers.TryAddWithoutValidation("Accept", "application/json, text/plain, application/jwt");
        if (isPost)
        {
            message.Content = new FormUrlEncodedContent(parameters);
        }

        RestResponse response;
        try
        {
            response = await _http.SendToUriAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (AblyException ex)
        {
            throw AuthCallbackFailed("The authUrl could not be reached: " + ex.Message, ex);
        }

        if (!response.IsSuccess)
        {
            var error = RestErrors.ErrorOf(response, _http.Codecs);
            throw AuthCallbackFailed(
                string.Create(CultureInfo.InvariantCulture, $"The authUrl answered HTTP {(int)response.StatusCode}: {error.Message}"),
                new AblyException(error));
        }

        if (response.Body.Length > MaxAuthUrlResponseBytes)
        {
            throw AuthCallbackFailed("The authUrl reply is too large to be a token.", null);
        }

        var mediaType = response.ContentType?.ToLowerInvariant();
        switch (mediaType)
        {
            case "application/json":
                return await FromAuthUrlJsonAsync(response, cancellationToken).ConfigureAwait(false);
            case "text/plain" or "application/jwt":
                var token = Encoding.UTF8.GetString(response.Body).Trim();
                return token.Length > 0 ? new TokenDetails(token) : throw AuthCallbackFailed("The authUrl returned an empty token.", null);
            default:
                throw AuthCallbackFailed($"The authUrl answered with content type '{mediaType ?? "none"}'; expected application/json, text/plain or application/jwt.", null);
        }
    }

    private async Task<TokenDetails> FromAuthUrlJsonAsync(RestResponse response, CancellationToken cancellationToken)
    {
        AuthTrees.AuthUrlAnswer answer;
        try
        {
            answer = AuthTrees.Classify(_http.Codecs.Json, response.Body);
        }
        catch (AblyException ex)
        {
            throw AuthCallbackFailed("The authUrl returned malformed JSON.", ex);
        }

        return answer switch
        {
            AuthTrees.AuthUrlAnswer.TokenDetails => _http.Codecs.Json.ReadTokenDetails(response.Body),
            AuthTrees.AuthUrlAnswer.TokenRequest => await ExchangeAsync(_http.Codecs.Json.ReadTokenRequest(response.Body), cancellationToken).ConfigureAwait(false),
            _ => throw AuthCallbackFailed("The authUrl's JSON is neither TokenDetails nor a TokenRequest.", null),
        };
    }

    /// <summary>Token params as the string fields an authUrl receives (ttl and timestamp in ms).</summary>
    private static IEnumerable<KeyValuePair<string, string>> TokenParamsAsFields(TokenParams tokenParams)
    {
        if (tokenParams.Ttl is { } ttl)
        {
            yield return new("ttl", (ttl.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture));
        }

        if (tokenParams.Capability is { } capability)
        {
            yield return new("capability", capability);
        }

        if (tokenParams.ClientId is { } clientId)
        {
            yield return new("clientId", clientId);
        }

        if (tokenParams.Timestamp is { } timestamp)
        {
            yield return new("timestamp", timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        if (tokenParams.Nonce is { } nonce)
        {
            yield return new("nonce", nonce);
        }
    }
}
