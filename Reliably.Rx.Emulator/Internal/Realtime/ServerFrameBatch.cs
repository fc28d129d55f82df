using System.Buffers.Binary;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// The frames a <see cref="WsTransport"/> writes to its socket in one stream write: each is a whole, unfragmented,
/// unmasked server-to-client WebSocket message (RFC 6455 section 5.2: FIN set, a text or binary opcode, the payload
/// length in 7, 16 or 64 bits), written one after the other into one buffer. The frames are kept so that each can be
/// recorded once the bytes have been handed to the connection. Used by one writer at a time.
/// </summary>
internal sealed class ServerFrameBatch
{
    /// <summary>Beyond this many bytes the writer sends what it has before adding more.</summary>
    public const int SendThreshold = 32 * 1024;

    private const int InitialCapacity = 4 * 1024;
    private const int KeepCapacity = 256 * 1024;
    private const byte Fin = 0x80;
    private const byte TextOpcode = 0x1;
    private const byte BinaryOpcode = 0x2;

    private readonly List<OutgoingFrame> _frames = [];
    private byte[] _buffer = new byte[InitialCapacity];
    private int _length;

    /// <summary>The bytes of every frame added since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    /// <summary>The frames added since the last <see cref="Clear"/>, in order.</summary>
    public IReadOnlyList<OutgoingFrame> Frames => _frames;

    public int Length => _length;

    public bool IsEmpty => _frames.Count == 0;

    /// <summary>Appends <paramref name="frame"/> as one WebSocket message carrying <paramref name="payload"/>.</summary>
    public void Add(OutgoingFrame frame, ReadOnlySpan<byte> payload, bool binary)
    {
        var header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        var span = Reserve(header + payload.Length);
        span[0] = (byte)(Fin | (binary ? BinaryOpcode : TextOpcode));
        if (header == 2)
        {
            span[1] = (byte)payload.Length;
        }
        else if (header == 4)
        {
            span[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)payload.Length);
        }
        else
        {
            span[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(span[2..], (ulong)payload.Length);
        }

        payload.CopyTo(span[header..]);
        _length += header + payload.Length;
        _frames.Add(frame);
    }

    /// <summary>Empties the batch; a buffer grown for an unusually large frame is let go.</summary>
    public void Clear()
    {
        _length = 0;
        _frames.Clear();
        if (_buffer.Length > KeepCapacity)
        {
            _buffer = new byte[InitialCapacity];
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _length + size)];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }

        return _buffer.AsSpan(_length, size);
    }
}
