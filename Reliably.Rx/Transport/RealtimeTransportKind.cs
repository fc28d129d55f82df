namespace Reliably.Rx;

/// <summary>
/// Which WebSocket implementation carries the realtime connection (<see cref="ClientOptions.RealtimeTransport"/>). Both
/// carry frames only and behave the same to the client: every retry, timeout, resume and fallback decision is the
/// client's (RTN14, RTN15, RTN17, RTN23).
/// </summary>
public enum RealtimeTransportKind
{
    /// <summary>
    /// The default: Websocket.Client, used as a dumb pipe, manages the connection's start, stop and disconnection reports;
    /// it is given the same WebSocket as <see cref="ClientWebSocket"/> (the own upgrade when no proxy applies, the
    /// runtime's <c>ClientWebSocket</c> through one), and frames pass it by both ways (the client's own receive loop and
    /// send queue), so received frames are not copied. An idle connection also holds Websocket.Client's 16 KB receive
    /// buffer and its objects (docs/benchmarks.md).
    /// </summary>
    WebsocketClient = 0,

    /// <summary>
    /// Opt-in: the runtime's WebSocket alone, no library over it. It holds no receive buffer while the connection is idle
    /// and hands each frame to the decoder from its pooled receive buffer without a copy, so an idle connection and each
    /// received message cost less managed memory (docs/benchmarks.md). With no system proxy for the host it does the
    /// WebSocket upgrade itself (<c>WebSocket.CreateFromStream</c>, no HTTP connection kept under it); through a proxy it
    /// uses <c>System.Net.WebSockets.ClientWebSocket</c>.
    /// </summary>
    ClientWebSocket = 1,
}
