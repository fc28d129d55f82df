namespace Reliably.Rx.Transport;

/// <summary>
/// Creates the transport for each realtime connection attempt: the seam through which the WebSocket is replaced, for
/// example by an in-memory transport in tests. Set it with <see cref="ClientOptions.TransportFactory"/>.
/// </summary>
public interface ITransportFactory
{
    /// <summary>
    /// Creates a transport for one connection attempt; the client then calls <see cref="ITransport.Connect"/>. Called on
    /// the client's connection loop: it must return at once, without touching the network. An exception fails the
    /// attempt as a connect failure (which qualifies for fallback hosts, RTN17f).
    /// </summary>
    /// <param name="uri">The connection URL: <c>wss://host:port/?key=...&amp;format=...&amp;v=...</c> with every connect
    /// parameter (RTN2, RTN15b, RTN16k). It may carry credentials: never log it.</param>
    /// <param name="frameKind">The kind of frame the client sends and expects: <see cref="TransportFrameKind.Binary"/>
    /// for msgpack (<c>format=msgpack</c>), <see cref="TransportFrameKind.Text"/> for JSON.</param>
    /// <param name="listener">Where the transport reports opening, frames and closure, for this attempt only.</param>
    ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener);
}
