using System.Net.WebSockets;

namespace Reliably.Rx.Transport;

/// <summary>
/// The socket <see cref="WebSocketTransport"/> hands to Websocket.Client through its connection factory: the connected
/// WebSocket, whose receive delivers the frames itself. Websocket.Client's receive loop calls
/// <see cref="ReceiveAsync(Memory{byte}, CancellationToken)"/> and, as long as no whole message has come back, keeps
/// waiting on that call; this socket makes the first call last the whole connection: it reports the open connection to
/// the transport, then runs <see cref="FrameReader"/> on the real socket, handing each frame to the transport as a slice
/// of a pooled buffer, and completes only with the server's close frame, or fails with what ended the connection, which
/// Websocket.Client then reports as it reports the real socket's. No frame costs Websocket.Client's exact-size copy, its
/// <c>ResponseMessage</c> and its Rx subject (docs/benchmarks.md, "JSON over the default transport"). The transport sends the close frames
/// itself (Websocket.Client's close calls do nothing here); everything else (state, abort, dispose, sends) goes to the real socket.
/// </summary>
internal sealed class DirectReceiveWebSocket : WebSocket
{
    private readonly WebSocket _socket;
    private readonly IWriteBatching? _batching;
    private readonly WebSocketTransport _transport;
    private int _receiving;

    public DirectReceiveWebSocket(WebSocket socket, IWriteBatching? batching, WebSocketTransport transport)
    {
        _socket = socket;
        _batching = batching;
        _transport = transport;
    }

    public override WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public override string? CloseStatusDescription => _socket.CloseStatusDescription;

    public override WebSocketState State => _socket.State;

    public override string? SubProtocol => _socket.SubProtocol;

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _receiving, 1) == 0
            ? new ValueTask<ValueWebSocketReceiveResult>(ReceiveAllAsync(cancellationToken))
            : _socket.ReceiveAsync(buffer, cancellationToken);

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        _socket.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        _socket.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    // The transport sends the close frames itself, after the last write, and never waits for the server's answer
    // (WebSocketTransport.CloseOutputOnce): Websocket.Client's answer to the server's close and its stop are no-ops here.
    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Abort() => _socket.Abort();

    public override void Dispose() => _socket.Dispose();

    /// <summary>The whole connection: opened, every frame, then the close frame (or the exception that ended it).</summary>
    private async Task<ValueWebSocketReceiveResult> ReceiveAllAsync(CancellationToken cancellationToken)
    {
        // Websocket.Client cancels this token when it is disposed; the reads themselves are not cancellable one by one
        // (a registration per read), so the cancellation aborts the socket, which ends the pending read.
        using var abort = cancellationToken.Register(static socket => ((WebSocket)socket!).Abort(), _socket);
        _transport.OnReceiving(_socket, _batching);
        // The transport takes every frame (it drops those that come after it was closed), so the socket is read until it
        // ends, which is what Websocket.Client waits for to finish its close.
        if (await FrameReader.ReadAsync(_socket, _transport).ConfigureAwait(false))
        {
            _transport.OnCloseReceived(_socket);
        }

        return new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, endOfMessage: true);
    }
}
