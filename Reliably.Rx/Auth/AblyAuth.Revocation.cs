using System.Buffers;
using Reliably.Rx.Http;
using Reliably.Rx.Serialization;

namespace Reliably.Rx;

public sealed partial class AblyAuth
{
    /// <summary>
    /// Revokes the tokens that <paramref name="specifiers"/> designate (RSA17): POST /keys/{keyName}/revokeTokens with
    /// the key this client authenticates with, which must be the key that issued the tokens and have revocable tokens
    /// enabled. Connections using a revoked token are disconnected with 40141; those that can renew their token
    /// re-authenticate and resume.
    /// </summary>
    /// <param name="specifiers">The targets (RSA17g); at least one.</param>
    /// <param name="options">issuedBefore and allowReauthMargin (RSA17e, RSA17f); each is sent only when set.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One result per target, in order, with the success and failure counts (RSA17c, BAR2).</returns>
    /// <exception cref="AblyException">
    /// 40162 (status 401) when this client uses token auth (RSA17d), before any request; 40003 for an empty list or a
    /// specifier without a type or value; the server's error when the whole request fails (40133 wrong key, 40163
    /// revocation not enabled for the key, ...).
    /// </exception>
    public Task<BatchResult<TokenRevocationResult>> RevokeTokensAsync(
        IEnumerable<TokenRevocationTargetSpecifier> specifiers,
        TokenRevocationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Reported.Run(() => RevokeTokensCoreAsync(specifiers, options, cancellationToken));

    /// <summary>Revokes the tokens that one specifier designates (RSA17g); see the overload taking several.</summary>
    /// <param name="specifier">The target.</param>
    /// <param name="options">issuedBefore and allowReauthMargin (RSA17e, RSA17f).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The batch result, with one result.</returns>
    /// <exception cref="AblyException">As for the overload taking several specifiers.</exception>
    public Task<BatchResult<TokenRevocationResult>> RevokeTokensAsync(
        TokenRevocationTargetSpecifier specifier,
        TokenRevocationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        RevokeTokensAsync(new[] { specifier }, options, cancellationToken);

    private async Task<BatchResult<TokenRevocationResult>> RevokeTokensCoreAsync(
        IEnumerable<TokenRevocationTargetSpecifier> specifiers,
        TokenRevocationOptions? options,
        CancellationToken cancellationToken)
    {
        Auth.ApiKey key;
        lock (_gate)
        {
            // RSA17d: revocation is an operation of the key itself; a token (even one this client signed) cannot do it.
            if (!_basic || _key is null)
            {
                throw new AblyException(new ErrorInfo(ErrorCodes.BasicAuthRequired, 401,
                    "Tokens can only be revoked by a client that authenticates with the API key that issued them (Basic auth), not with a token.")
                {
                    Href = ErrorInfo.HrefFor(ErrorCodes.BasicAuthRequired),
                });
            }

            key = _key;
        }

        var targets = new List<string>();
        foreach (var specifier in specifiers ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The revocation targets must not be null."))
        {
            if (specifier is null || string.IsNullOrEmpty(specifier.Type) || string.IsNullOrEmpty(specifier.Value))
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Every revocation target needs a type and a value.");
            }

            targets.Add(specifier.ToString()); // RSA17b
        }

        if (targets.Count == 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A token revocation needs at least one target.");
        }

        // RSA17e, RSA17f: issuedBefore and allowReauthMargin, each only when set.
        var format = _options.UseBinaryProtocol ? WireFormat.MsgPack : WireFormat.Json;
        var buffer = new ArrayBufferWriter<byte>();
        AuthTrees.WriteRevocationRequest(_http.Codecs.For(format), targets, options, buffer);

        // RSA17g: the key name is the key up to its ':'; it is a path segment, escaped like any other.
        var request = _http.WithRequestId(new RestRequest(HttpMethod.Post, "/keys/" + Uri.EscapeDataString(key.KeyName) + "/revokeTokens")
        {
            Body = buffer.WrittenMemory.ToArray(),
            Format = format,
        });
        var response = await _http.SendAsync(request, new Auth.AuthCredentials { Key = key.Full }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw RestErrors.ExceptionOf(response, _http.Codecs);
        }

        return AuthTrees.ReadRevocationResult(_http.Codecs.ForResponse(response, format), response.Body);
    }
}
