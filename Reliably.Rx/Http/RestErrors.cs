using System.Globalization;

namespace Reliably.Rx.Http;

/// <summary>Turns failed HTTP responses and transport failures into <see cref="AblyException"/> (PROTOCOL.md 1.5, RSC19).</summary>
internal static class RestErrors
{
    public const string ErrorCodeHeader = "X-Ably-Errorcode";
    public const string ErrorMessageHeader = "X-Ably-Errormessage";

    /// <summary>
    /// The error a non-2xx response carries: the Ably error body when the content type is JSON or msgpack, otherwise
    /// the X-Ably-Errorcode / X-Ably-Errormessage headers, otherwise a code derived from the status (404 → 40400).
    /// </summary>
    public static ErrorInfo ErrorOf(RestResponse response, RestCodecs codecs)
    {
        var status = (int)response.StatusCode;
        ErrorInfo? fromBody = null;
        if (response.Body.Length > 0 && codecs.ForMediaType(response.ContentType) is { } codec)
        {
            try
            {
                fromBody = codec.ReadErrorBody(response.Body);
            }
            catch (AblyException)
            {
                // A garbled error body must not hide the HTTP failure itself; fall through to the headers.
            }
        }

        if (fromBody is not null)
        {
            return fromBody with
            {
                StatusCode = fromBody.StatusCode == 0 ? status : fromBody.StatusCode,
                Code = fromBody.Code == 0 ? DefaultCode(status) : fromBody.Code,
                Href = fromBody.Href ?? ErrorInfo.HrefFor(fromBody.Code == 0 ? DefaultCode(status) : fromBody.Code),
            };
        }

        var headerCode = response.Header(ErrorCodeHeader);
        var code = int.TryParse(headerCode, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : DefaultCode(status);
        var message = response.Header(ErrorMessageHeader)
            ?? string.Create(CultureInfo.InvariantCulture, $"HTTP {status} ({response.StatusCode}) from {response.Host}");
        return new ErrorInfo(code, status, message) { Href = ErrorInfo.HrefFor(code) };
    }

    public static AblyException ExceptionOf(RestResponse response, RestCodecs codecs) => new(ErrorOf(response, codecs));

    /// <summary>The code for a status without an Ably error: 4xx/5xx × 100 (404 → 40400), else 50000.</summary>
    public static int DefaultCode(int status) => status is >= 400 and < 600 ? status * 100 : ErrorCodes.InternalError;

    public static AblyException Timeout(string host, Exception? inner) =>
        new(new ErrorInfo(ErrorCodes.Timeout, 500, $"The request to {host} timed out.") { Href = ErrorInfo.HrefFor(ErrorCodes.Timeout) }, inner);

    public static AblyException ConnectionFailed(string host, Exception inner) =>
        new(new ErrorInfo(ErrorCodes.InternalError, 500, $"Could not reach {host}: {ExceptionText.WithCause(inner)}") { Href = ErrorInfo.HrefFor(ErrorCodes.InternalError) }, inner);
}
