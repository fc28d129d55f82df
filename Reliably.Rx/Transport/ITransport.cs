namespace Reliably.Rx.Transport;

/// <summary>
/// One realtime connection attempt's transport: a pipe that carries encoded frames to one host and reports what happens
/// to it through the <see cref="ITransportListener"/> it was created with. It knows nothing of Ably's protocol: the client
/// encodes and decodes every frame with its own codec, and owns every decision about retries, timeouts, resumes and
/// fallback hosts (RTN14, RTN15, RTN17, RTN23). The production transport is a WebSocket (Websocket.Client used as a dumb
/// pipe); tests pass their own through <see cref="ClientOptions.TransportFactory"/>.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> The client creates one transport per connection attempt, calls <see cref="Connect"/> once,
/// and never reuses it: once it has closed, or once the client has given up on it, the client calls
/// <see cref="Close"/> then <see cref="IDisposable.Dispose"/>. A transport never reconnects by itself.</para>
/// <para><b>Threading.</b> The client calls <see cref="Connect"/>, <see cref="Send"/> and <see cref="Close"/> from its
/// connection loop, one call at a time; none of them may block or wait for the network.</para>
/// <para><b>Ordering.</b> Frames must be written in the order <see cref="Send"/> was called. A frame sent before the
/// transport is open or after it closed may be dropped silently: the client resends whatever still needs an answer
/// after the next connection (RTN19a).</para>
/// </remarks>
public interface ITransport : IDisposable
{
    /// <summary>
    /// Starts opening the connection. The outcome is reported to the listener: <see cref="ITransportListener.OnOpened"/>,
    /// or <see cref="ITransportListener.OnClosed"/> with <c>connectFailure</c> set. The listener may be called before
    /// this method returns. An exception thrown here fails the attempt as a connect failure.
    /// </summary>
    void Connect();

    /// <summary>
    /// Queues one encoded frame for sending. <paramref name="frame"/> is only valid during the call: a transport that
    /// sends later copies it. Must not throw because the connection has closed.
    /// </summary>
    /// <param name="frame">The frame's bytes: UTF-8 JSON for <see cref="TransportFrameKind.Text"/>, msgpack for <see cref="TransportFrameKind.Binary"/>.</param>
    /// <param name="kind">Whether to send a text or a binary frame.</param>
    void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind);

    /// <summary>
    /// Closes the connection, gracefully where it can, without waiting. Safe to call more than once. After this call
    /// the client ignores anything the transport still reports.
    /// </summary>
    void Close();
}
