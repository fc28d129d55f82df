using Reliably.Rx.Buffers;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// One state of a channel's delta base (RTL19b, RTL20): the base payload in the form a delta applies to, and the id of
/// the message it came from. A payload of up to <see cref="CopyLimit"/> bytes is copied into a buffer the slot reuses
/// (a string as its UTF-8 bytes, PC3a), and the id into a character buffer, so the slot, which lives as long as the
/// channel, holds no reference to a message's young objects; a larger payload is held by reference (copying it for
/// every message would cost more than the collections it saves, and would keep a large buffer per channel). Loop only.
/// </summary>
internal sealed class DeltaSlot
{
    /// <summary>The largest payload copied, in bytes; larger ones are held by reference.</summary>
    internal const int CopyLimit = 2048;

    private byte[]? _bytes;
    private int _length;
    private bool _copied;
    private object? _large;
    private TextCopy _messageId;

    /// <summary>True while the slot holds a payload (copied or by reference).</summary>
    public bool HasPayload => _copied || _large is not null;

    /// <summary>True while the slot holds a payload by reference.</summary>
    public bool HoldsReference => _large is not null;

    /// <summary>Makes <paramref name="payload"/> (a string or bytes; anything else is no payload) and <paramref name="messageId"/> this slot's state.</summary>
    public void Set(object? payload, string? messageId)
    {
        _messageId.Set(messageId);
        _large = null;
        _copied = payload switch
        {
            byte[] bytes => Copy(bytes),
            string text => Copy(text),
            _ => false,
        };
    }

    /// <summary>Drops a payload held by reference (a state no longer needed keeps no large object alive).</summary>
    public void Release() => _large = null;

    /// <summary>RTL20: whether <paramref name="id"/> is the id of the message this state came from.</summary>
    public bool IsFrom(string? id) => _messageId.Matches(id);

    /// <summary>The id of the message this state came from, for an error message.</summary>
    public string? MessageId => _messageId.Read();

    /// <summary>The base as bytes (PC3a: a string as its UTF-8 encoding), valid until the next <see cref="Set"/>; false without a payload.</summary>
    public bool TryGetSource(out ReadOnlySpan<byte> source)
    {
        source = _large switch
        {
            byte[] bytes => bytes,
            string text => System.Text.Encoding.UTF8.GetBytes(text),
            _ => _copied ? _bytes.AsSpan(0, _length) : default,
        };
        return HasPayload;
    }

    private bool Copy(byte[] bytes)
    {
        if (bytes.Length > CopyLimit)
        {
            _large = bytes;
            return false;
        }

        bytes.CopyTo(Buffer(bytes.Length));
        _length = bytes.Length;
        return true;
    }

    private bool Copy(string text)
    {
        // A UTF-8 character is at least one byte: a longer string cannot fit.
        if (text.Length <= CopyLimit)
        {
            if (_bytes is not null && System.Text.Encoding.UTF8.TryGetBytes(text, _bytes, out var written))
            {
                _length = written;
                return true;
            }

            var count = System.Text.Encoding.UTF8.GetByteCount(text);
            if (count <= CopyLimit)
            {
                _length = System.Text.Encoding.UTF8.GetBytes(text, Buffer(count));
                return true;
            }
        }

        _large = text;
        return false;
    }

    private byte[] Buffer(int length)
    {
        if (_bytes is null || _bytes.Length < length)
        {
            _bytes = new byte[Math.Min(CopyLimit, TextCopy.Capacity(length))];
        }

        return _bytes;
    }
}
