using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Transport;

/// <summary>
/// The lighter WebSocket transport (<see cref="RealtimeTransportKind.ClientWebSocket"/>): the runtime's
/// <see cref="System.Net.WebSockets.ClientWebSocket"/> alone, with no library over it. Per connection it holds the socket,
/// this object, an <see cref="OutboundQueue"/> and one receive loop; no thread and no timer. While the connection is idle
/// the loop waits with a zero-byte read, which the runtime's WebSocket completes when the next frame's header has arrived
/// without consuming its payload, so no receive buffer is held: one is rented from the shared pool when data is ready and
/// returned when the burst ends. Each frame is handed to the listener as a slice of that buffer (valid during the call
/// only), never copied. Like the default transport it carries frames only; every retry, timeout and resume decision
/// belongs to the connection loop (RTN14, RTN15, RTN23). The receive loop is <see cref="FrameReader"/>, which the default
/// transport runs too. When no proxy is configured for the URI the WebSocket runs on a
/// connection this transport upgraded itself (<see cref="WebSocketUpgrade"/>), with no HTTP connection kept under it;
/// through a proxy it is a <see cref="System.Net.WebSockets.ClientWebSocket"/>, which tunnels.
/// </summary>
internal sealed class ClientWebSocketTransport : ITransport, IFrameSink
{
    private const int Connecting = 0;
    private const int Open = 1;
    private const int Closed = 2;

    private readonly ITransportListener _listener;
    private readonly ILogger _logger;
    private readonly RemoteCertificateValidationCallback? _certificateValidation;
    private readonly IWebProxy? _proxy;
    private readonly OutboundQueue _outbound;

    // Set once the handshake has completed, before the state moves to Open.
    private WebSocket? _socket;

    // Cancels the handshake when Close() comes first; dropped once the connection is open.
    private CancellationTokenSource? _connecting = new();

    // Connecting, then Open, then Closed. Whoever moves it to Closed disposes the socket: Close() (the client gave up on
    // the connection), or the receive loop (the connection failed or was lost, which it reports).
    private int _state;

    public ClientWebSocketTransport(Uri uri, ITransportListener listener, ILogger logger, RemoteCertificateValidationCallback? certificateValidation, IWebProxy? proxy = null, CloseDeadline closeDeadline = default)
    {
        Uri = uri;
        _listener = listener;
        _logger = logger;
        _certificateValidation = certificateValidation;
        _proxy = proxy;
        _outbound = new OutboundQueue(closeDeadline);
    }

    public Uri Uri { get; }

    private bool IsClosed => Volatile.Read(ref _state) == Closed;

    public void Connect() => _ = RunAsync();

    public void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        if (!IsClosed)
        {
            _outbound.Enqueue(frame, kind);
        }
    }

    public void Close()
    {
        var previous = Interlocked.Exchange(ref _state, Closed);
        if (previous == Closed)
        {
            return;
        }

        if (previous == Connecting)
        {
            // Cancels the handshake; the connect path disposes the socket and reports nothing. The connect path drops the
            // source only after it moved the state to Open, which has not happened.
            _outbound.Close();
            _connecting?.Cancel();
            return;
        }

        // The close frame follows the last write: now when no drain runs, else when the drain in flight ends (a write and
        // a close frame must not race for the socket's send side). The socket is then released without waiting for the
        // server's answer, which a dead network would never send; releasing it ends the receive loop, which then reports
        // nothing. A write the peer never takes (a full TCP window) is ended by the close deadline, which aborts the socket.
        CloseAfterLastWrite(_socket!, sendCloseIn: WebSocketState.Open);
    }

    public void Dispose() => Close();

    /// <summary>
    /// The whole life of the connection on one async flow, so listener calls never overlap and come in order: the
    /// handshake, then <see cref="ITransportListener.OnOpened"/>, then frames, then at most one
    /// <see cref="ITransportListener.OnClosed"/>.
    /// </summary>
    private async Task RunAsync()
    {
        WebSocket socket;
        IWriteBatching? batching;
        try
        {
            (socket, batching) = await WebSocketUpgrade.OpenAsync(Uri, _certificateValidation, _proxy, _connecting!.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // RTN17f: refused, unreachable, name resolution, TLS or upgrade refused: a connect failure (fallback hosts).
            if (Interlocked.CompareExchange(ref _state, Closed, Connecting) == Connecting)
            {
                TransportLog.ConnectFailed(_logger, Uri.Host, ex.GetType().Name);
                _listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, "Unable to open the WebSocket: " + ExceptionText.WithCause(ex)), connectFailure: true);
            }

            return;
        }

        _socket = socket;
        if (Interlocked.CompareExchange(ref _state, Open, Connecting) != Connecting)
        {
            // Closed while the handshake completed.
            socket.Dispose();
            return;
        }

        _connecting = null;

        _listener.OnOpened();
        _outbound.Open(socket, batching);
        var reason = await ReceiveAsync(socket).ConfigureAwait(false);
        if (reason is not null && Interlocked.CompareExchange(ref _state, Closed, Open) == Open)
        {
            // RTN15a: the connection was lost after it opened.
            _listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, "WebSocket closed: " + reason), connectFailure: false);
            // Completes the server's close handshake when there is one, after the last write like the client's own close.
            CloseAfterLastWrite(socket, sendCloseIn: WebSocketState.CloseReceived);
        }
    }

    /// <summary>
    /// Stops the outbound queue, then sends a close frame if the socket is then in <paramref name="sendCloseIn"/> and
    /// releases it: at once when no drain runs, else when the drain in flight ends, so the close frame never races a write.
    /// </summary>
    private void CloseAfterLastWrite(WebSocket socket, WebSocketState sendCloseIn)
    {
        _outbound.CloseAfterLastWrite(() => _ = CloseOutputThenReleaseAsync(socket, sendClose: socket.State == sendCloseIn));
    }

    /// <summary>Receives until the connection ends; returns why, or null once the transport was closed.</summary>
    private async Task<string?> ReceiveAsync(WebSocket socket)
    {
        try
        {
            var closeReceived = await FrameReader.ReadAsync(socket, this).ConfigureAwait(false);
            return IsClosed || !closeReceived ? null : CloseText(socket);
        }
        catch (Exception ex)
        {
            // An abort (the outbound queue's when the server stopped reading), a reset, a protocol error or a dispose by
            // Close(): every way the loop can end is reported once.
            return IsClosed ? null : _outbound.StallReason ?? ExceptionText.WithCause(ex);
        }
    }

    bool IFrameSink.Deliver(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        if (IsClosed)
        {
            return false;
        }

        _listener.OnFrame(frame, kind);
        return true;
    }

    private static string CloseText(WebSocket socket) =>
        $"closed by the server ({(int?)socket.CloseStatus} {socket.CloseStatusDescription})";

    /// <summary>Sends a close frame when <paramref name="sendClose"/> is set, then releases the socket whatever happens.</summary>
    private async Task CloseOutputThenReleaseAsync(WebSocket socket, bool sendClose)
    {
        try
        {
            if (sendClose)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            TransportLog.CloseFailed(_logger, ex.GetType().Name);
        }
        finally
        {
            socket.Dispose();
        }
    }
}
