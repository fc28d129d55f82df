namespace Reliably.Rx.Transport;

/// <summary>
/// What a transport reports to the client: the connection opened, a frame arrived, the connection closed. Implemented by
/// the client; a transport only calls it.
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Any thread may call the listener (a socket's receive thread, a timer, the thread that called
/// <see cref="ITransport.Connect"/>), but calls for one transport must not overlap and must come in the order the events
/// happened. Each call returns quickly: a frame is decoded on the calling thread, then handed to the client's loop.</para>
/// <para><b>Order.</b> At most one <see cref="OnOpened"/>, before any frame; then frames; then at most one
/// <see cref="OnClosed"/>, the last call. Calls after <see cref="OnClosed"/>, or after the client closed the transport,
/// are ignored.</para>
/// </remarks>
public interface ITransportListener
{
    /// <summary>The connection is open; the client now expects CONNECTED within realtimeRequestTimeout (RTN14c).</summary>
    void OnOpened();

    /// <summary>One complete data frame from the server.</summary>
    /// <param name="frame">The frame's bytes, only valid during the call (the client copies what it keeps).</param>
    /// <param name="kind">Text frames are decoded as JSON, binary frames as msgpack.</param>
    void OnFrame(ReadOnlyMemory<byte> frame, TransportFrameKind kind);

    /// <summary>
    /// The connection closed, or could not be opened. For a connection that had opened this is a transport loss
    /// (RTN15a: the client resumes at once); for one that never opened, a failed attempt.
    /// </summary>
    /// <param name="reason">Why, as an error (code 80003 "disconnected" unless something more precise is known).</param>
    /// <param name="connectFailure">
    /// True when the connection never opened: refused, unreachable, name resolution or TLS failure, upgrade refused. Such a
    /// failure qualifies for the fallback hosts (RTN17f).
    /// </param>
    void OnClosed(ErrorInfo reason, bool connectFailure);
}
