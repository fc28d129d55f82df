using Microsoft.Extensions.Logging;
using Reliably.Rx.Auth;

namespace Reliably.Rx.Http;

/// <summary>
/// Authenticated REST requests: takes credentials from the auth provider, sends through <see cref="RestHttp"/>
/// (with host fallback), and on a token error renews the token once and retries (RSC10, RSA4b).
/// </summary>
internal sealed class RestPipeline
{
    private readonly IAuthProvider _auth;
    private readonly ILogger _logger;

    public RestPipeline(RestHttp http, IAuthProvider auth, ILogger logger)
    {
        Http = http;
        _auth = auth;
        _logger = logger;
    }

    public RestHttp Http { get; }

    public RestCodecs Codecs => Http.Codecs;

    /// <summary>Sends and returns a successful response; any failure is an <see cref="AblyException"/>.</summary>
    public async Task<RestResponse> SendAsync(RestRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAllowingErrorsAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response : throw RestErrors.ExceptionOf(response, Http.Codecs);
    }

    /// <summary>
    /// Sends and returns the final response even when it is an HTTP error (RSC19 request()). Token renewal still
    /// happens; only failures to authenticate at all or to reach any host throw.
    /// </summary>
    public async Task<RestResponse> SendAllowingErrorsAsync(RestRequest request, CancellationToken cancellationToken)
    {
        // RSC7c: one id for the logical request, the same on every fallback attempt and on the retry after a renewal.
        request = Http.WithRequestId(request);

        if (!request.Authenticated)
        {
            return await Http.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        }

        var credentials = await _auth.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var response = await Http.SendAsync(request, credentials, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess || credentials.IsBasic)
        {
            return response;
        }

        var error = RestErrors.ErrorOf(response, Http.Codecs);
        if (!error.IsTokenError)
        {
            return response;
        }

        if (!_auth.CanRenewToken)
        {
            // RSA4a2: the token was rejected and cannot be replaced.
            throw AblyAuth.NoMeansToRenew(error);
        }

        RestLog.RenewingToken(_logger, error.Code);
        var renewed = await _auth.RenewAsync(credentials, cancellationToken).ConfigureAwait(false);
        return await Http.SendAsync(request, renewed, cancellationToken).ConfigureAwait(false);
    }
}
