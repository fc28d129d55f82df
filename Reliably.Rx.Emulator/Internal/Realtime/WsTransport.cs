using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// One WebSocket. Outbound frames go through an unbounded per-connection queue drained by a single writer loop,
/// so publishers never wait on a slow socket and each socket sees frames in enqueue order. The writer frames the data
/// messages itself (<see cref="ServerFrameBatch"/>) and writes them to the upgraded stream, past the framework's
/// WebSocket, which still reads the client's frames and writes the control frames (pong, keep-alive ping, close).
/// </summary>
internal sealed class WsTransport : IServerTransport
{
    private static readonly object CloseMarker = new();
    private readonly WebSocket _socket;
    private readonly SilenceableStream _stream;
    private readonly HttpContext _context;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITimer? _heartbeat;
    private int _aborted;
    private volatile bool _completed;
    private long _heldUntilTicks;

    public WsTransport(WebSocket socket, SilenceableStream stream, HttpContext context, WireFormat format, bool protocolHeartbeats, TimeProvider time, TimeSpan heartbeatInterval)
    {
        _socket = socket;
        _stream = stream;
        _context = context;
        Format = format;
        LocalAddress = context.Connection.LocalIpAddress?.ToString() ?? string.Empty;
        if (protocolHeartbeats)
        {
            // RTN23b: with heartbeats=true the server proves liveness with HEARTBEAT frames.
            var heartbeat = new OutgoingFrame(new JObject { ["action"] = Actions.Heartbeat });
            _heartbeat = time.CreateTimer(_ => Enqueue(heartbeat), null, heartbeatInterval, heartbeatInterval);
        }
    }

    public WireFormat Format { get; }

    /// <summary>Called after each frame is written to the socket (frame recording).</summary>
    public Action<OutgoingFrame>? OnSent { get; set; }

    /// <summary>Completed by the endpoint when its receive loop ends.</summary>
    public TaskCompletionSource ReceiveEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string LocalAddress { get; }

    /// <summary>True once the server decided to end this transport (CLOSED, DISCONNECTED, ERROR sent).</summary>
    public bool EndedByServer { get; private set; }

    public bool Silenced
    {
        get => _stream.Silenced;
        set => _stream.Silenced = value;
    }

    public Func<OutgoingFrame, OutgoingFrame?>? Filter { get; set; }

    public void Enqueue(OutgoingFrame frame)
    {
        if ((Filter is null ? frame : Filter(frame)) is { } sent)
        {
            _queue.Writer.TryWrite(sent);
        }
    }

    /// <summary>
    /// A latency spike: frames queued from now on are held for <paramref name="duration"/> and then sent in order, as a
    /// congested network delivers them late; nothing is lost (unlike <see cref="Silenced"/>, which swallows them).
    /// </summary>
    public void Hold(TimeSpan duration) =>
        Interlocked.Exchange(ref _heldUntilTicks, Environment.TickCount64 + (long)duration.TotalMilliseconds);

    /// <summary>Sends everything queued so far, then closes the socket cleanly.</summary>
    public void EndAfterFlush()
    {
        EndedByServer = true;
        _queue.Writer.TryWrite(CloseMarker);
        _queue.Writer.TryComplete();
    }

    /// <summary>Drops the TCP connection at once with no close frame (the abrupt-drop fault, RTN15a).</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _heartbeat?.Dispose();
        if (!_completed)
        {
            _context.Abort();
        }

        _socket.Abort();
    }

    /// <summary>Called when the HTTP request has finished; the pooled HttpContext must not be touched afterwards.</summary>
    public void MarkCompleted()
    {
        _completed = true;
        _queue.Writer.TryComplete();
        _heartbeat?.Dispose();
    }

    /// <summary>
    /// Drains the queue: every frame queued meanwhile is written as its own WebSocket message into one batch, and the
    /// batch goes to the connection in one write (one copy, one flush), so a burst of ACKs or deliveries to a socket
    /// costs one write rather than one per frame. Frames still leave in queue order, each as a whole message.
    /// </summary>
    public async Task RunWriterAsync()
    {
        var batch = new ServerFrameBatch();
        var binary = Format == WireFormat.MsgPack;
        try
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    if (ReferenceEquals(item, CloseMarker))
                    {
                        await WriteAsync(batch).ConfigureAwait(false);
                        await CloseAsync().ConfigureAwait(false);
                        return;
                    }

                    if (Silenced || _socket.State != WebSocketState.Open)
                    {
                        continue;
                    }

                    var hold = Interlocked.Read(ref _heldUntilTicks) - Environment.TickCount64;
                    if (hold > 0)
                    {
                        await WriteAsync(batch).ConfigureAwait(false);
                        await Task.Delay(TimeSpan.FromMilliseconds(hold)).ConfigureAwait(false);
                    }

                    var frame = (OutgoingFrame)item;
                    batch.Add(frame, frame.GetBytes(Format), binary);
                    if (batch.Length >= ServerFrameBatch.SendThreshold)
                    {
                        await WriteAsync(batch).ConfigureAwait(false);
                    }
                }

                await WriteAsync(batch).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            Abort();
        }
        finally
        {
            _heartbeat?.Dispose();
        }
    }

    /// <summary>Hands the batch to the connection (swallowed while silenced), then records its frames as sent.</summary>
    private async ValueTask WriteAsync(ServerFrameBatch batch)
    {
        if (batch.IsEmpty)
        {
            return;
        }

        await _stream.WriteAsync(batch.Bytes).ConfigureAwait(false);
        if (OnSent is { } sent)
        {
            foreach (var frame in batch.Frames)
            {
                sent(frame);
            }
        }

        batch.Clear();
    }

    private async Task CloseAsync()
    {
        _heartbeat?.Dispose();
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                Abort();
                return;
            }
        }

        // Give the client a moment to answer the close handshake, then make sure the socket is gone.
        await Task.WhenAny(ReceiveEnded.Task, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        Abort();
    }
}
