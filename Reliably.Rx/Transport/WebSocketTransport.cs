using System.Buffers;
using System.Net.WebSockets;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Websocket.Client;

namespace Reliably.Rx.Transport;

/// <summary>
/// The WebSocket transport, built on Websocket.Client used as a dumb pipe: its reconnection, its inactivity timer and
/// its error-reconnect timer are all disabled, because every retry, timeout and resume decision belongs to the
/// connection loop and its scheduler (RTN14, RTN15, RTN23). This is the only file that references Websocket.Client.
/// </summary>
internal sealed class WebSocketTransport : ITransport
{
    private readonly IProtocolCodec _codec;
    private readonly ILogger _logger;
    private readonly Subject<TransportEvent> _events = new();
    private readonly object _emitGate = new();
    private readonly List<IDisposable> _subscriptions = new();
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private WebsocketClient? _client;
    private const int MaxRetainedSendBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_sendBuffer;

    private bool _closed;

    // Set once the socket opened: a disconnection before that is a failure to connect (RTN17f: it qualifies for fallback).
    private volatile bool _opened;
    private int _closedFlag;

    public WebSocketTransport(Uri uri, IProtocolCodec codec, ILogger logger)
    {
        Uri = uri;
        _codec = codec;
        _logger = logger;
    }

    public Uri Uri { get; }

    public IObservable<TransportEvent> Events => _events;

    public void Connect()
    {
        var client = new WebsocketClient(Uri)
        {
            // The loop owns reconnection and inactivity detection (RTN14, RTN15, RTN23): the client is a dumb pipe.
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            Name = "ably-realtime",

            // Text frames arrive as UTF-8 bytes, not as a string the codec would re-encode (F1 in docs/benchmarks.md);
            // frames arrive as the library's pooled stream, decoded in place and returned to its pool in OnFrame.
            IsTextMessageConversionEnabled = false,
            IsStreamDisposedAutomatically = false,
        };
        _client = client;
        _subscriptions.Add(client.MessageReceived.Subscribe(OnFrame, _ => { }));
        _subscriptions.Add(client.DisconnectionHappened.Subscribe(OnDisconnection, _ => { }));
        _ = StartAsync(client);
    }

    public void Send(ProtocolMessage message)
    {
        var client = _client;
        if (client is null || Volatile.Read(ref _closedFlag) != 0)
        {
            return;
        }

        // Encoded into a reused per-thread buffer, then one exact-size copy: Websocket.Client queues the array and sends
        // it later without telling us when, so the queued frame cannot be a pooled buffer. JSON goes out as a text frame
        // straight from its UTF-8 bytes (no string round trip).
        var buffer = t_sendBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        try
        {
            _codec.WriteProtocolMessage(message, buffer);
            _outbound.Writer.TryWrite(buffer.WrittenSpan.ToArray());
        }
        finally
        {
            if (buffer.Capacity > MaxRetainedSendBuffer)
            {
                t_sendBuffer = null;
            }
        }
    }

    public void Close()
    {
        // No lock here: Close runs on the loop, and a receive thread may hold the emit gate while it hands an event to
        // the loop's scheduler; taking the gate here could deadlock with a scheduler that blocks while it runs work.
        // The loop has already unsubscribed, and Emit re-checks the flag under its gate.
        if (Interlocked.Exchange(ref _closedFlag, 1) != 0)
        {
            return;
        }

        _outbound.Writer.TryComplete();

        var client = _client;
        if (client is not null)
        {
            _ = StopAsync(client);
        }
    }

    public void Dispose() => Close();

    private async Task StartAsync(WebsocketClient client)
    {
        try
        {
            await client.StartOrFail().ConfigureAwait(false);
            _opened = true;
            Emit(TransportEvent.Opened);
            _ = SendLoopAsync(client);
        }
        catch (Exception ex)
        {
            TransportLog.ConnectFailed(_logger, Uri.Host, ex.GetType().Name);
            Emit(TransportEvent.Closed(new ErrorInfo(ErrorCodes.Disconnected, 400, "Unable to open the WebSocket: " + ex.Message), connectFailure: true), final: true);
        }
    }

    /// <summary>
    /// Our own single sender over Websocket.Client's socket: its send queues cost one thread-pool hand-off per frame plus
    /// an async lock, which on a loaded machine capped publish throughput at ~40-50 % of the same client over a plain
    /// ClientWebSocket (docs/benchmarks.md, F1). Websocket.Client still owns the socket's lifetime and the receive loop;
    /// frames are still dropped while the socket is not open, as its queue did.
    /// </summary>
    private async Task SendLoopAsync(WebsocketClient client)
    {
        var type = _codec.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    if (client.NativeClient is { State: WebSocketState.Open } socket)
                    {
                        await socket.SendAsync(frame, type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The socket went away; the receive side reports the closure.
        }
    }

    private async Task StopAsync(WebsocketClient client)
    {
        try
        {
            await client.Stop(WebSocketCloseStatus.NormalClosure, string.Empty).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TransportLog.CloseFailed(_logger, ex.GetType().Name);
        }
        finally
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            client.Dispose();
        }
    }

    private void OnFrame(ResponseMessage frame)
    {
        TransportEvent evt;
        var stream = frame.Stream;
        try
        {
            // The codec copies every string and byte array out of the frame, so the pooled stream can go back right after.
            ReadOnlyMemory<byte> bytes = stream is not null
                ? (stream.TryGetBuffer(out var segment) ? segment.AsMemory() : stream.ToArray())
                : frame.Binary ?? (frame.Text is { } text ? System.Text.Encoding.UTF8.GetBytes(text) : Array.Empty<byte>());
            evt = TransportEvent.Received(_codec.ReadProtocolMessage(bytes));
        }
        catch (AblyException ex)
        {
            evt = TransportEvent.Malformed(ex.ErrorInfo);
        }
        catch (Exception ex)
        {
            // A codec must only throw AblyException, but a hostile frame must never escape onto the receive thread.
            evt = TransportEvent.Malformed(new ErrorInfo(ErrorCodes.BadRequest, 400, "Malformed frame: " + ex.GetType().Name));
        }
        finally
        {
            stream?.Dispose();
        }

        Emit(evt);
    }

    private void OnDisconnection(DisconnectionInfo info)
    {
        if (info.Type == DisconnectionType.ByUser)
        {
            return;
        }

        // Websocket.Client reports a failed start here too, and possibly before StartOrFail throws: whichever comes first
        // must say whether the socket ever opened.
        var description = info.Exception?.Message ?? info.CloseStatusDescription ?? info.Type.ToString();
        Emit(TransportEvent.Closed(new ErrorInfo(ErrorCodes.Disconnected, 400, "WebSocket closed: " + description), connectFailure: !_opened), final: true);
    }

    private void Emit(TransportEvent evt, bool final = false)
    {
        // Serialized so the loop's observer never sees overlapping notifications from the receive and connect threads.
        lock (_emitGate)
        {
            if (_closed || Volatile.Read(ref _closedFlag) != 0)
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

/// <summary>Creates <see cref="WebSocketTransport"/>s with the codec for the requested frame type.</summary>
internal sealed class WebSocketTransportFactory : ITransportFactory
{
    private readonly Func<WireFormat, IProtocolCodec> _codecs;
    private readonly ILogger _logger;

    public WebSocketTransportFactory(Func<WireFormat, IProtocolCodec> codecs, ILogger logger)
    {
        _codecs = codecs;
        _logger = logger;
    }

    public ITransport Create(Uri uri, bool binary) =>
        new WebSocketTransport(uri, _codecs(binary ? WireFormat.MsgPack : WireFormat.Json), _logger);
}
