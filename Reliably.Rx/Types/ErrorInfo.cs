using System.Globalization;

namespace Reliably.Rx;

/// <summary>
/// An Ably error (TI1): a numeric Ably error code, the HTTP status it maps to, a message and an optional link to
/// Ably's help pages. Errors are values in Reliably.Rx: state changes, NACKs and failed operations carry one.
/// </summary>
public sealed record ErrorInfo
{
    /// <summary>Creates an error.</summary>
    /// <param name="code">The Ably error code, for example 40140.</param>
    /// <param name="statusCode">The HTTP status the code maps to, for example 401.</param>
    /// <param name="message">A human-readable description.</param>
    public ErrorInfo(int code, int statusCode, string message)
    {
        Code = code;
        StatusCode = statusCode;
        Message = message ?? string.Empty;
    }

    /// <summary>The Ably error code (TI1), for example 40140 for a token error.</summary>
    public int Code { get; init; }

    /// <summary>The HTTP status code associated with the error.</summary>
    public int StatusCode { get; init; }

    /// <summary>A human-readable description of the error.</summary>
    public string Message { get; init; }

    /// <summary>A link to Ably's help page for this code (TI4), when known.</summary>
    public string? Href { get; init; }

    /// <summary>The underlying error that caused this one, if any.</summary>
    public ErrorInfo? Cause { get; init; }

    /// <summary>Optional string details supplied by the server.</summary>
    public IReadOnlyDictionary<string, string>? Detail { get; init; }

    /// <summary>The server's request id, when the server supplied one.</summary>
    public string? RequestId { get; init; }

    /// <summary>True for token errors (40140 &lt;= code &lt; 40150), which a client with a means of renewal recovers from (RSA4b, RTN14b).</summary>
    public bool IsTokenError => Code is >= 40140 and < 40150;

    /// <summary>True when the status code is a server error (500-504), which qualifies for a fallback host (RSC15l, RTN17f).</summary>
    public bool IsRetriableServerError => StatusCode is >= 500 and <= 504;

    /// <summary>
    /// A server-sent error made fit to surface: itself when it carries an Ably code; otherwise an error with
    /// <paramref name="code"/> whose message says what happened (and keeps the server's text and a valid status).
    /// </summary>
    internal static ErrorInfo FromServer(ErrorInfo? error, int code, int statusCode, string what) => error switch
    {
        null => new ErrorInfo(code, statusCode, what + " (no error details from the server)."),
        { Code: <= 0 } e => new ErrorInfo(code, e.StatusCode is >= 400 and < 600 ? e.StatusCode : statusCode, what + " (no valid error code from the server): " + e.Message)
        {
            Href = e.Href,
            RequestId = e.RequestId,
            Detail = e.Detail,
        },
        var e => e,
    };

    /// <summary>The help page link Ably uses for a code.</summary>
    internal static string HrefFor(int code) => "https://help.ably.io/error/" + code.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[ErrorInfo {Code} (status {StatusCode}): {Message}]");
}
