using Reliably.Rx.Protocol;

namespace Reliably.Rx.Transport;

/// <summary>
/// One realtime transport: a single WebSocket to one host, opened once and never reconnected by itself. The
/// connection loop creates a new transport for every connection attempt; reconnection policy lives in the loop only.
/// </summary>
/// <remarks>
/// <see cref="Events"/> is hot and may call its observer on any thread (the socket's receive thread); the loop marshals
/// every event onto its scheduler. Frames are decoded with the <c>IProtocolCodec</c> before they are raised, so the
/// loop only sees models; a frame that cannot be decoded is raised as <see cref="TransportEventKind.FrameError"/>, never
/// thrown. After <see cref="TransportEventKind.Closed"/> nothing more is raised.
/// </remarks>
internal interface ITransport : IDisposable
{
    /// <summary>The URI this transport connects to (host and query included).</summary>
    Uri Uri { get; }

    /// <summary>Opened, received frames, malformed frames and closure, in order.</summary>
    IObservable<TransportEvent> Events { get; }

    /// <summary>Starts opening the socket; the outcome arrives on <see cref="Events"/>.</summary>
    void Connect();

    /// <summary>Encodes and queues one frame. Fails with <see cref="AblyException"/> when the frame cannot be encoded.</summary>
    void Send(ProtocolMessage message);

    /// <summary>Closes the socket (best effort); a <see cref="TransportEventKind.Closed"/> event may follow.</summary>
    void Close();
}

/// <summary>Creates transports; the seam through which unit tests inject a fake transport.</summary>
internal interface ITransportFactory
{
    ITransport Create(Uri uri, bool binary);
}
