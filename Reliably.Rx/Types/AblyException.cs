namespace Reliably.Rx;

/// <summary>
/// The exception every failing Reliably.Rx operation throws or faults with. It always carries an
/// <see cref="ErrorInfo"/> with Ably's error code, so callers can branch on <c>ex.ErrorInfo.Code</c>.
/// </summary>
public sealed class AblyException : Exception
{
    /// <summary>Creates an exception for an error.</summary>
    public AblyException(ErrorInfo errorInfo, Exception? innerException = null)
        : base((errorInfo ?? throw new ArgumentNullException(nameof(errorInfo))).Message, innerException)
    {
        ErrorInfo = errorInfo;
    }

    /// <summary>Creates an exception from a code, an HTTP status and a message.</summary>
    public AblyException(int code, int statusCode, string message, Exception? innerException = null)
        : this(new ErrorInfo(code, statusCode, message) { Href = ErrorInfo.HrefFor(code) }, innerException)
    {
    }

    /// <summary>The Ably error behind this exception.</summary>
    public ErrorInfo ErrorInfo { get; }

    /// <summary>The Ably error code, a shortcut for <c>ErrorInfo.Code</c>.</summary>
    public int Code => ErrorInfo.Code;

    /// <summary>The HTTP status code, a shortcut for <c>ErrorInfo.StatusCode</c>.</summary>
    public int StatusCode => ErrorInfo.StatusCode;

    /// <inheritdoc />
    public override string ToString() => $"{GetType().FullName}: {ErrorInfo}{(InnerException is null ? string.Empty : " ---> " + InnerException)}";
}
