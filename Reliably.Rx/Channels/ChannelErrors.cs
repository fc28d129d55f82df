namespace Reliably.Rx.Channels;

/// <summary>The errors of operations on a channel that can no longer be used, and of attaches the connection refuses.</summary>
internal static class ChannelErrors
{
    /// <summary>90001: the channel was released.</summary>
    public static ErrorInfo Released(string name) =>
        new(ErrorCodes.ChannelOperationFailedInvalidState, 400, $"Channel '{name}' has been released; get it again from Channels.") { Href = ErrorInfo.HrefFor(ErrorCodes.ChannelOperationFailedInvalidState) };

    /// <summary>80017: the client was disposed.</summary>
    public static ErrorInfo Disposed() =>
        new(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed.") { Href = ErrorInfo.HrefFor(ErrorCodes.ConnectionClosed) };

    /// <summary>RTL4b: the error of an attach or detach on a connection in <paramref name="state"/>, or null when it may proceed.</summary>
    public static ErrorInfo? ConnectionRefusal(ConnectionState state) => state switch
    {
        ConnectionState.Closing or ConnectionState.Closed => new ErrorInfo(ErrorCodes.ConnectionClosed, 400, $"Connection is {state}; cannot attach or detach (RTL4b)."),
        ConnectionState.Suspended => new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "Connection is suspended; cannot attach (RTL4b)."),
        ConnectionState.Failed => new ErrorInfo(ErrorCodes.ConnectionFailed, 400, "Connection failed; cannot attach or detach (RTL4b)."),
        _ => null,
    };
}
