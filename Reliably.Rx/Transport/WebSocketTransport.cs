using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Websocket.Client;

namespace Reliably.Rx.Transport;

/// <summary>
/// The WebSocket transport, built on Websocket.Client used as a dumb pipe: its reconnection, its inactivity timer and
/// its error-reconnect timer are all disabled, because every retry, timeout and resume decision belongs to the
/// connection loop and its scheduler (RTN14, RTN15, RTN23). It carries frames only; the client's codec encodes and
/// decodes them. Websocket.Client owns the connection's start, stop and disconnection reports; the frames themselves
/// travel past it both ways: sent by this transport's <see cref="OutboundQueue"/> on the socket, and received by the socket
/// it is given (<see cref="DirectReceiveWebSocket"/>), which hands each frame here from a pooled buffer with the plain
/// transport's <see cref="FrameReader"/>. This is the only file that references Websocket.Client.
/// </summary>
internal sealed class WebSocketTransport : ITransport, IFrameSink
{
    private readonly ITransportListener _listener;
    private readonly ILogger _logger;
    private readonly object _emitGate = new();
    private readonly List<IDisposable> _subscriptions = new();
    private readonly RemoteCertificateValidationCallback? _certificateValidation;
    private readonly IWebProxy? _proxy;

    // Our own single sender over Websocket.Client's socket: its send queues cost one thread-pool hand-off per frame plus
    // an async lock, which on a loaded machine capped publish throughput at ~40-50 % of the same client over a plain
    // ClientWebSocket (docs/benchmarks.md, F1). Websocket.Client still owns the connection's start, stop and disconnection reports.
    private readonly OutboundQueue _outbound;

    private WebsocketClient? _client;

    // The connected socket under the wrapper Websocket.Client holds, once the handshake is done: the close frame is sent on it.
    private volatile WebSocket? _socket;

    // The close frame's send, once started (see CloseOutputOnce).
    private Task? _closeOutput;
    private bool _closed;

    // Set once the socket opened: a disconnection before that is a failure to connect (RTN17f: it qualifies for fallback).
    private volatile bool _opened;
    private int _closedFlag;

    public WebSocketTransport(Uri uri, ITransportListener listener, ILogger logger, RemoteCertificateValidationCallback? certificateValidation = null, IWebProxy? proxy = null, CloseDeadline closeDeadline = default)
    {
        Uri = uri;
        _listener = listener;
        _logger = logger;
        _certificateValidation = certificateValidation;
        _proxy = proxy;
        _outbound = new OutboundQueue(closeDeadline);
    }

    public Uri Uri { get; }

    public void Connect()
    {
        Func<Uri, CancellationToken, Task<WebSocket>> connect = ConnectAsync;
        var client = new WebsocketClient(Uri, logger: null, connect)
        {
            // The loop owns reconnection and inactivity detection (RTN14, RTN15, RTN23): the client is a dumb pipe.
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            Name = "ably-realtime",

            // Frames never reach the library's receive loop (DirectReceiveWebSocket delivers them), but should one
            // arrive there it stays bytes: no string decoded, no stream rented.
            IsTextMessageConversionEnabled = false,
            IsStreamDisposedAutomatically = true,
        };
        _client = client;
        _subscriptions.Add(client.DisconnectionHappened.Subscribe(OnDisconnection, _ => { }));
        _ = StartAsync(client);
    }

    public void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        if (_client is null || Volatile.Read(ref _closedFlag) != 0)
        {
            return;
        }

        _outbound.Enqueue(frame, kind);
    }

    public void Close()
    {
        // No lock here: Close runs on the loop, and a receive thread may hold the emit gate while it hands an event to
        // the loop's scheduler; taking the gate here could deadlock with a scheduler that blocks while it runs work.
        // The client has already stopped listening, and Emit re-checks the flag under its gate.
        if (Interlocked.Exchange(ref _closedFlag, 1) != 0)
        {
            return;
        }

        // The close frame follows the drain in flight, if one runs (OutboundQueue.CloseAfterLastWrite); then the client is released.
        if (_client is { } client)
        {
            _outbound.CloseAfterLastWrite(() => _ = StopAsync(client));
        }
        else
        {
            _outbound.Close();
        }
    }

    public void Dispose() => Close();

    /// <summary>
    /// The socket receive loop has started on the connected socket: the connection is open. Reported from the receive
    /// flow, so OnOpened comes before any frame even when the first frame arrived with the handshake's response.
    /// </summary>
    internal void OnReceiving(WebSocket socket, IWriteBatching? batching)
    {
        _opened = true;
        Emit(static l => l.OnOpened());
        _outbound.Open(socket, batching);
    }

    /// <summary>
    /// The server's close frame has arrived: the transport answers it, after the last write like its own close
    /// (Websocket.Client's answer does not reach the socket, see <see cref="DirectReceiveWebSocket"/>). The socket is
    /// released by <see cref="Close"/>, which the client calls once it has seen the loss.
    /// </summary>
    internal void OnCloseReceived(WebSocket socket)
    {
        _outbound.CloseAfterLastWrite(() => _ = CloseOutputOnce(socket));
    }

    bool IFrameSink.Deliver(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        lock (_emitGate)
        {
            if (!_closed && Volatile.Read(ref _closedFlag) == 0)
            {
                _listener.OnFrame(frame, kind);
            }
        }

        // Frames after a close are dropped, and the socket is read on until it ends (Websocket.Client waits for that).
        return true;
    }

    /// <summary>
    /// The connection factory Websocket.Client calls: the same WebSocket the plain transport runs on (its own upgrade when
    /// no proxy applies, with a read buffer held only while data flows; ClientWebSocket through a proxy), wrapped.
    /// </summary>
    private async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var (socket, batching) = await WebSocketUpgrade.OpenAsync(uri, _certificateValidation, _proxy, cancellationToken).ConfigureAwait(false);
        _socket = socket;
        return new DirectReceiveWebSocket(socket, batching, this);
    }

    private async Task StartAsync(WebsocketClient client)
    {
        try
        {
            // OnOpened is reported by the receive flow (OnReceiving), which starts before StartOrFail returns.
            await client.StartOrFail().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TransportLog.ConnectFailed(_logger, Uri.Host, ex.GetType().Name);
            var error = new ErrorInfo(ErrorCodes.Disconnected, 400, "Unable to open the WebSocket: " + ex.Message);
            Emit(l => l.OnClosed(error, connectFailure: true), final: true);
        }
    }

    /// <summary>
    /// Sends the close frame (or the answer to the server's, if it came first), then releases the socket and the client
    /// without waiting for the server's answer: Websocket.Client's own stop waits for the server's close frame, which a
    /// dead network or a server that ignores the close never sends, and the socket stayed open for good. The plain
    /// transport's close does the same.
    /// </summary>
    private async Task StopAsync(WebsocketClient client)
    {
        try
        {
            if (_socket is { } socket)
            {
                await CloseOutputOnce(socket).ConfigureAwait(false);
            }
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

    /// <summary>
    /// The one close frame this transport sends, whichever asks first (its own close, or the answer to the server's);
    /// the other waits for the same send, so the socket is never released while the close frame is being written.
    /// </summary>
    private Task CloseOutputOnce(WebSocket socket)
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _closeOutput, sending.Task, null) is { } first)
        {
            return first;
        }

        _ = SendCloseAsync();
        return sending.Task;

        async Task SendCloseAsync()
        {
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // Nobody awaits this send's own task: whatever it throws is logged here, never left unobserved.
                TransportLog.CloseFailed(_logger, ex.GetType().Name);
            }
            finally
            {
                sending.TrySetResult();
            }
        }
    }

    private void OnDisconnection(DisconnectionInfo info)
    {
        if (info.Type == DisconnectionType.ByUser)
        {
            return;
        }

        // Websocket.Client reports a failed start here too, and possibly before StartOrFail throws: whichever comes first
        // must say whether the socket ever opened.
        var description = _outbound.StallReason ?? (info.Exception is { } exception ? ExceptionText.WithCause(exception) : null) ?? info.CloseStatusDescription ?? info.Type.ToString();
        var error = new ErrorInfo(ErrorCodes.Disconnected, 400, "WebSocket closed: " + description);
        var connectFailure = !_opened;
        Emit(l => l.OnClosed(error, connectFailure), final: true);
    }

    private void Emit(Action<ITransportListener> report, bool final = false)
    {
        // Serialized so the listener never sees overlapping calls from the receive and connect threads.
        lock (_emitGate)
        {
            if (_closed || Volatile.Read(ref _closedFlag) != 0)
            {
                return;
            }

            report(_listener);
            _closed |= final;
        }
    }
}
