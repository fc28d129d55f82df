using System.Buffers;
using System.Net.WebSockets;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// Benchmark-only experiment (side <c>rxcws</c>): Reliably.Rx's connection loop, channels and codecs over a plain
/// <see cref="ClientWebSocket"/> instead of Websocket.Client, to measure what the production transport
/// (<c>WebSocketTransport</c> + Websocket.Client) costs. Frames go out as bytes (text frames for JSON without a string
/// round trip) from one send loop, and are decoded straight from the receive buffer. Not production code: no
/// keep-alive handling and minimal error mapping.
/// </summary>
internal sealed class ClientWebSocketTransport : ITransport
{
    private readonly Subject<TransportEvent> _events = new();
    private readonly object _emitGate = new();
    private readonly IProtocolCodec _codec;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private bool _closed;

    public ClientWebSocketTransport(Uri uri, IProtocolCodec codec)
    {
        Uri = uri;
        _codec = codec;
    }

    public Uri Uri { get; }

    public IObservable<TransportEvent> Events => _events;

    public void Connect() => _ = RunAsync();

    public void Send(ProtocolMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        _codec.WriteProtocolMessage(message, buffer);
        _outbound.Writer.TryWrite(buffer.WrittenSpan.ToArray());
    }

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
            Emit(TransportEvent.Opened);
            _ = SendLoopAsync();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var length = 0;
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
                    if (result.EndOfMessage)
                    {
                        break;
                    }
                }

                TransportEvent evt;
                try
                {
                    evt = TransportEvent.Received(_codec.ReadProtocolMessage(buffer.AsMemory(0, length)));
                }
                catch (AblyException ex)
                {
                    evt = TransportEvent.Malformed(ex.ErrorInfo);
                }

                Emit(evt);
            }
        }
        catch (Exception ex)
        {
            Emit(TransportEvent.Closed(new ErrorInfo(ErrorCodes.Disconnected, 400, "WebSocket closed: " + ex.Message)), final: true);
        }
        finally
        {
            _socket.Abort();
        }
    }

    private async Task SendLoopAsync()
    {
        var type = _codec.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await _socket.SendAsync(frame, type, true, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The receive loop reports the close.
        }
    }

    private void Emit(TransportEvent evt, bool final = false)
    {
        lock (_emitGate)
        {
            if (_closed)
            {
                return;
            }

            _events.OnNext(evt);
            if (final)
            {
                _closed = true;
                _events.OnCompleted();
            }
        }
    }
}

/// <summary>Creates <see cref="ClientWebSocketTransport"/>s.</summary>
internal sealed class ClientWebSocketTransportFactory : ITransportFactory
{
    public ITransport Create(Uri uri, bool binary) =>
        new ClientWebSocketTransport(uri, ProtocolCodecs.For(binary ? WireFormat.MsgPack : WireFormat.Json));
}
