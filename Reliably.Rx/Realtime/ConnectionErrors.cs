namespace Reliably.Rx.Realtime;

/// <summary>The errors of operations that the connection's state refuses, shared by the loop and its components.</summary>
internal static class ConnectionErrors
{
    /// <summary>The realtime client has been disposed: nothing more runs on its loop.</summary>
    public static ErrorInfo Disposed => new(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed.");

    /// <summary>
    /// The error of an operation refused in <paramref name="state"/> (RTN7e, RTL6c4, RTN13b): for SUSPENDED and FAILED the
    /// reason the connection entered that state (<paramref name="reason"/>), so an operation refused after a failure gets
    /// the same error (the server's own, with its code and href: 40101 for a wrong key) as one that was queued before it.
    /// </summary>
    public static ErrorInfo StateError(ConnectionState state, ErrorInfo? reason) => state switch
    {
        ConnectionState.Suspended or ConnectionState.Failed when reason is not null => reason,
        ConnectionState.Suspended => new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "The connection is SUSPENDED."),
        ConnectionState.Failed => new ErrorInfo(ErrorCodes.ConnectionFailed, 400, "The connection has FAILED."),
        ConnectionState.Closing or ConnectionState.Closed => new ErrorInfo(ErrorCodes.ConnectionClosed, 400, $"The connection is {Upper(state)}."),
        ConnectionState.Initialized => new ErrorInfo(ErrorCodes.Disconnected, 400, "The connection is INITIALIZED: call Connection.Connect() first."),
        _ => new ErrorInfo(ErrorCodes.Disconnected, 400, $"The connection is {Upper(state)}."),
    };

    /// <summary>The state as the spec writes it (CONNECTED), for messages.</summary>
    public static string Upper(ConnectionState state) => state.ToString().ToUpperInvariant();
}
