using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Reliably.Rx.Transport;

/// <summary>
/// A WebSocket transport's outbound frames: copied into pooled buffers by <see cref="Enqueue"/>, held until the socket
/// opens, then written in <see cref="ITransport.Send"/> order by a drain that runs only while frames are pending. An idle
/// connection has no drain task parked on a queue (a channel reader's pending wait, its segment and a send loop's state
/// machine cost ~1.4 KB per connection): the first frame after a quiet spell starts one drain, which writes everything
/// queued and ends when the queue is empty. At most one drain runs at a time, so frames are written in order. When the
/// socket's stream can batch writes (<see cref="IWriteBatching"/>, the own upgrade's stream), a drain's frames reach the
/// socket in one write per burst. Shared by both WebSocket transports.
/// </summary>
internal sealed class OutboundQueue
{
    /// <summary>
    /// The most bytes waiting for the socket: a server that stops reading fills the kernel's buffers, then this queue. Past
    /// it the connection counts as stalled: the socket is aborted, which ends the write stuck in it and the receive loop,
    /// and the transport reports the loss with <see cref="StallReason"/> (the client resumes and resends, RTN15, RTN19a).
    /// 64 MB: a thousand messages at Ably's default maxMessageSize, far more than a connection within Ably's rate
    /// limits keeps waiting.
    /// </summary>
    public const long MaxQueuedBytes = 64 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly CloseDeadline _closeDeadline;

    // Under _gate: the frames waiting for the socket (created with the first frame), whether a drain is running, the
    // open socket (null before it opened), and whether the transport closed (frames are then dropped).
    private Queue<OutboundFrame>? _frames;
    private bool _draining;
    private WebSocket? _socket;
    private bool _closed;

    // Under _gate: what Close asked to run once the drain in flight has ended (the transport's close frame and release).
    private Action? _afterDrain;

    // Set with the socket: the stream under it, when it can gather a burst's frames into one write.
    private IWriteBatching? _batching;

    // Under _gate: the bytes of the frames in _frames; whether the queue went past MaxQueuedBytes.
    private long _queuedBytes;
    private bool _stalled;

    /// <param name="closeDeadline">Bounds a close that waits for a write (default: <see cref="CloseDeadline.Default"/>).</param>
    public OutboundQueue(CloseDeadline closeDeadline = default)
    {
        _closeDeadline = closeDeadline;
    }

    /// <summary>Why the connection was aborted, when the queue went past <see cref="MaxQueuedBytes"/>; else null.</summary>
    public string? StallReason
    {
        get
        {
            lock (_gate)
            {
                return _stalled ? $"the server stopped reading: over {MaxQueuedBytes} bytes waiting to be written" : null;
            }
        }
    }

    /// <summary>Copies <paramref name="frame"/> (the caller reuses its buffer) and queues it; starts a drain if none runs.</summary>
    public void Enqueue(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        // One copy into a pooled buffer, written later by the drain, which returns it to the pool once the socket has
        // taken it.
        var buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.Span.CopyTo(buffer);
        WebSocket? abort = null;
        var drain = false;
        lock (_gate)
        {
            if (_closed || _queuedBytes + frame.Length > MaxQueuedBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                abort = _closed ? null : Stall();
            }
            else
            {
                _queuedBytes += frame.Length;
                (_frames ??= new Queue<OutboundFrame>()).Enqueue(new OutboundFrame(buffer, frame.Length, kind));

                // A running drain takes it; before the socket opened, the drain that Open starts will.
                drain = !_draining && _socket is not null;
                _draining |= drain;
            }
        }

        if (abort is not null)
        {
            // Off the caller's thread (the connection loop): the abort ends the drain's stuck write and the receive loop,
            // whose report of the loss must not run inside Send.
            ThreadPool.UnsafeQueueUserWorkItem(static socket => socket.Abort(), abort, preferLocal: false);
        }

        if (!drain)
        {
            return;
        }

        // The socket write runs off the caller's thread (the connection loop), one hand-off per burst rather than per frame.
        ThreadPool.UnsafeQueueUserWorkItem(static q => _ = q.DrainAsync(), this, preferLocal: false);
    }

    /// <summary>The socket opened: frames queued before now are written, in order.</summary>
    /// <param name="socket">The open socket.</param>
    /// <param name="batching">The stream under the socket when it can batch writes, else null.</param>
    public void Open(WebSocket socket, IWriteBatching? batching)
    {
        var abortNow = false;
        bool drain;
        lock (_gate)
        {
            if (_closed)
            {
                drain = false;
                abortNow = _stalled;
            }
            else
            {
                _socket = socket;
                _batching = batching;
                drain = _frames is { Count: > 0 } && !_draining;
                _draining |= drain;
            }
        }

        if (abortNow)
        {
            // The queue stalled before the socket opened: the connection ends as soon as it opens.
            socket.Abort();
        }
        else if (drain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Drops what is still queued; later frames are dropped at once (the client resends what needs an answer, RTN19a).
    /// Returns true when no drain is running, so the caller may close the socket now. Otherwise returns false and runs
    /// <paramref name="afterDrain"/> once the drain has ended (its write done or failed), so that a close frame follows
    /// the write in flight instead of racing it for the socket's send side. Either way, once the socket is open, the close
    /// deadline is armed: a peer that never takes the write in flight, or the close frame after it, would otherwise hold
    /// the socket for good, and past the deadline it is aborted (which fails the stuck write, so the drain ends).
    /// </summary>
    public bool Close(Action? afterDrain = null)
    {
        WebSocket? socket;
        bool now;
        lock (_gate)
        {
            _closed = true;
            ReturnQueued();
            socket = _socket;
            now = !_draining;
            if (!now)
            {
                // A second close (the client's after the answer to the server's) runs after the first.
                _afterDrain += afterDrain;
            }
        }

        if (socket is not null)
        {
            _closeDeadline.Arm(socket);
        }

        return now;
    }

    /// <summary>
    /// <see cref="Close"/>, then <paramref name="afterLastWrite"/> (the transport's close frame and release): at once when
    /// no drain runs, else once the drain in flight has ended, so it never races a write for the socket's send side.
    /// </summary>
    public void CloseAfterLastWrite(Action afterLastWrite)
    {
        if (Close(afterLastWrite))
        {
            afterLastWrite();
        }
    }

    private async Task DrainAsync()
    {
        IWriteBatching? batching;
        lock (_gate)
        {
            batching = _batching;
        }

        try
        {
            while (true)
            {
                // One batch per pass: every frame queued by now, and those queued while they are written, then one write.
                // The batch ends even when a write fails, so nothing written later (a close frame) stays gathered.
                batching?.BeginBatch();
                try
                {
                    await WriteQueuedAsync().ConfigureAwait(false);
                }
                finally
                {
                    if (batching is not null)
                    {
                        await batching.EndBatchAsync().ConfigureAwait(false);
                    }
                }

                // "Nothing more to write" and "no drain runs" are decided under one hold of the gate: a frame queued
                // between the two would find a drain still marked running, start none, and wait for the next frame.
                Action? afterDrain;
                lock (_gate)
                {
                    if (_frames is { Count: > 0 } && _socket is not null)
                    {
                        continue;
                    }

                    afterDrain = EndDrainLocked();
                }

                afterDrain?.Invoke();
                return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or IOException)
        {
            // The socket went away; the receive side reports the closure. What is still queued will never be written.
            Action? afterDrain;
            lock (_gate)
            {
                _closed = true;
                ReturnQueued();
                afterDrain = EndDrainLocked();
            }

            afterDrain?.Invoke();
        }
    }

    /// <summary>Under the gate: no drain runs any more; returns what Close left to run, for the caller to run outside it.</summary>
    private Action? EndDrainLocked()
    {
        _draining = false;
        var afterDrain = _afterDrain;
        _afterDrain = null;
        return afterDrain;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteQueuedAsync()
    {
        while (TryDequeue(out var item, out var socket))
        {
            try
            {
                // Frames are dropped while the socket is not open; the receive side reports the closure.
                if (socket.State == WebSocketState.Open)
                {
                    var type = item.Kind == TransportFrameKind.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;

                    // The ReadOnlyMemory overload: a ValueTask, so a write the socket completes at once (or the batch
                    // gathers) allocates nothing.
                    await socket.SendAsync(item.Buffer.AsMemory(0, item.Length), type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }
    }

    private bool TryDequeue(out OutboundFrame item, out WebSocket socket)
    {
        lock (_gate)
        {
            if (_frames is { Count: > 0 } queue && _socket is { } open)
            {
                item = queue.Dequeue();
                _queuedBytes -= item.Length;
                socket = open;
                return true;
            }
        }

        item = default;
        socket = null!;
        return false;
    }

    /// <summary>Under the gate: the queue went past its limit; it closes, and the open socket (if any) is returned for the abort.</summary>
    private WebSocket? Stall()
    {
        _stalled = true;
        _closed = true;
        ReturnQueued();
        return _socket;
    }

    private void ReturnQueued()
    {
        _queuedBytes = 0;
        if (_frames is { } queue)
        {
            while (queue.TryDequeue(out var item))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }

            _frames = null;
        }
    }
}

/// <summary>A frame waiting for the socket: a buffer rented from the shared pool, of which the first Length bytes are the frame.</summary>
internal readonly record struct OutboundFrame(byte[] Buffer, int Length, TransportFrameKind Kind);
