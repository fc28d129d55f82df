using System.Buffers;
using System.Net.WebSockets;

namespace Reliably.Rx.Transport;

/// <summary>
/// The receive loop both WebSocket transports run on their socket. While the connection is idle it waits with a zero-byte
/// read, which the runtime's WebSocket completes when the next frame's header has arrived without consuming its payload,
/// so no receive buffer is held: one is rented from the shared pool when data is ready and returned when the burst ends
/// (the next zero-byte read does not complete at once). Each message is handed to the sink as a slice of that buffer,
/// never copied; fragments and messages larger than the buffer are reassembled in it, and a buffer grown for a large
/// message goes back to the pool after that message.
/// </summary>
internal static class FrameReader
{
    // A JSON or msgpack delivery fits in the first buffer; larger messages grow it by doubling, and a buffer grown past
    // this size goes back to the pool as soon as its message has been delivered.
    private const int ReceiveBufferSize = 4096;

    /// <summary>
    /// The largest message accepted, reassembled: 64 MB, 128 times Ably's default maxFrameSize (512 KB). A larger one
    /// ends the connection with a reason instead of growing the buffer until memory runs out (the runtime's WebSocket
    /// accepts any 64-bit length).
    /// </summary>
    public const int MaxMessageLength = 64 * 1024 * 1024;

    /// <summary>
    /// Reads messages until the server's close frame (returns true) or until the sink refuses a message because the
    /// transport was closed (returns false). Whatever ends the connection otherwise (an abort, a reset, a protocol error,
    /// the socket disposed, a message over <see cref="MaxMessageLength"/>) is thrown to the caller.
    /// </summary>
    public static async Task<bool> ReadAsync(WebSocket socket, IFrameSink sink)
    {
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                // Idle: a zero-byte read waits for the next frame without a buffer. When it does not complete at once the
                // burst has ended, and the buffer goes back to the pool.
                var waiting = socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (!waiting.IsCompleted && buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }

                var header = await waiting.ConfigureAwait(false);
                if (header.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }

                var length = 0;
                var end = header.EndOfMessage;
                var type = header.MessageType;
                while (!end)
                {
                    buffer ??= ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                    if (length == buffer.Length)
                    {
                        if (length >= MaxMessageLength)
                        {
                            throw new WebSocketException(WebSocketError.Faulted, $"The server sent a message over {MaxMessageLength} bytes, the most the transport accepts.");
                        }

                        buffer = Grow(buffer);
                    }

                    // Fragments of one message (and a message larger than the buffer) arrive in several reads.
                    var read = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                    if (read.MessageType == WebSocketMessageType.Close)
                    {
                        return true;
                    }

                    length += read.Count;
                    end = read.EndOfMessage;
                }

                var kind = type == WebSocketMessageType.Binary ? TransportFrameKind.Binary : TransportFrameKind.Text;
                if (!sink.Deliver(buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length), kind))
                {
                    return false;
                }

                if (buffer is { Length: > ReceiveBufferSize })
                {
                    // A large message's buffer is not kept for the small frames after it.
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static byte[] Grow(byte[] buffer)
    {
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan().CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
