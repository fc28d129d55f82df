namespace Reliably.Rx;

/// <summary>How a lower-level exception is worded in an <see cref="ErrorInfo"/>.</summary>
internal static class ExceptionText
{
    /// <summary>
    /// The exception's message, followed by the innermost cause when there is one: "Unable to connect to the remote
    /// server" or "The SSL connection could not be established" alone hide a refused TLS certificate, which the
    /// innermost AuthenticationException names.
    /// </summary>
    public static string WithCause(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return ReferenceEquals(innermost, exception) ? exception.Message : $"{exception.Message} ({innermost.Message})";
    }
}
