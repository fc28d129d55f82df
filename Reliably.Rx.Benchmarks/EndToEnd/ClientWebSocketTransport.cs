using System.Net.WebSockets;
using System.Threading.Channels;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// Benchmark-only experiment (side <c>rxcws</c>): Reliably.Rx's connection loop, channels and codecs over a plain
/// <see cref="ClientWebSocket"/> instead of Websocket.Client, to measure what the production transport
/// (<c>WebSocketTransport</c> + Websocket.Client) costs. Frames go out as bytes (text frames for JSON without a string
/// round trip) from one send loop, and are handed to the client straight from the receive buffer. Not production code:
/// no keep-alive handling and minimal error mapping.
/// </summary>
internal sealed class ClientWebSocketTransport : ITransport
{
    private readonly object _emitGate = new();
    private readonly ITransportListener _listener;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(byte[] Frame, TransportFrameKind Kind)> _outbound =
        Channel.CreateUnbounded<(byte[] Frame, TransportFrameKind Kind)>(new UnboundedChannelOptions { SingleReader = true });
    private bool _closed;

    public ClientWebSocketTransport(Uri uri, ITransportListener listener)
    {
        Uri = uri;
        _listener = listener;
    }

    public Uri Uri { get; }

    public void Connect() => _ = RunAsync();

    public void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind) => _outbound.Writer.TryWrite((frame.ToArray(), kind));

    public void Close()
    {
        _outbound.Writer.TryComplete();
        _stop.Cancel();
    }

    public void Dispose() => Close();

    private async Task RunAsync()
    {
        try
        {
            await _socket.ConnectAsync(Uri, _stop.Token).ConfigureAwait(false);
            Emit(static l => l.OnOpened());
            _ = SendLoopAsync();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var length = 0;
                var kind = TransportFrameKind.Text;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        throw new WebSocketException("closed by the server");
                    }

                    length += result.Count;
                    kind = result.MessageType == WebSocketMessageType.Binary ? TransportFrameKind.Binary : TransportFrameKind.Text;
                    if (result.EndOfMessage)
                    {
                        break;
                    }
                }

                var frame = buffer.AsMemory(0, length);
                Emit(l => l.OnFrame(frame, kind));
            }
        }
        catch (Exception ex)
        {
            var error = new ErrorInfo(ErrorCodes.Disconnected, 400, "WebSocket closed: " + ex.Message);
            Emit(l => l.OnClosed(error, connectFailure: false), final: true);
        }
        finally
        {
            _socket.Abort();
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var (frame, kind) in _outbound.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var type = kind == TransportFrameKind.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
                await _socket.SendAsync(frame, type, true, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The receive loop reports the close.
        }
    }

    private void Emit(Action<ITransportListener> report, bool final = false)
    {
        lock (_emitGate)
        {
            if (_closed)
            {
                return;
            }

            report(_listener);
            _closed |= final;
        }
    }
}

/// <summary>Creates <see cref="ClientWebSocketTransport"/>s.</summary>
internal sealed class ClientWebSocketTransportFactory : ITransportFactory
{
    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
        new ClientWebSocketTransport(uri, listener);
}
