using Reliably.Rx.Buffers;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// One state of a channel's delta base (RTL19b, RTL20): the base payload and the id of the message it came from. A
/// payload of up to <see cref="CopyLimit"/> bytes (a string of up to half as many characters) is copied into a buffer
/// the slot reuses, and the id into a character buffer, so the slot, which lives as long as the channel, holds no
/// reference to a message's young objects; a larger payload is held by reference (copying it for every message would
/// cost more than the collections it saves, and would keep a large buffer per channel). Loop only.
/// </summary>
internal sealed class DeltaSlot
{
    /// <summary>The largest payload copied, in bytes (a string's characters are two bytes each); larger ones are held by reference.</summary>
    internal const int CopyLimit = 2048;

    private byte[]? _bytes;
    private int _length;
    private TextCopy _text;
    private Kind _kind;
    private object? _large;
    private TextCopy _messageId;

    private enum Kind : byte
    {
        None,
        Bytes,
        Text,
        Reference,
    }

    /// <summary>True while this slot holds the state saved before the current frame (<see cref="DeltaBase.Save"/>).</summary>
    public bool Saved { get; set; }

    /// <summary>Makes <paramref name="payload"/> (a string or bytes; anything else is no payload) and <paramref name="messageId"/> this slot's state.</summary>
    public void Set(object? payload, string? messageId)
    {
        _messageId.Set(messageId);
        _large = null;
        _kind = payload switch
        {
            byte[] { Length: <= CopyLimit } bytes => Copy(bytes),
            string { Length: <= CopyLimit / 2 } text => Copy(text),
            byte[] or string => Hold(payload),
            _ => Kind.None,
        };
    }

    /// <summary>Drops a payload held by reference (a state no longer needed keeps no large object alive).</summary>
    public void Release()
    {
        if (_kind == Kind.Reference)
        {
            _large = null;
            _kind = Kind.None;
        }
    }

    /// <summary>RTL20: whether <paramref name="id"/> is the id of the message this state came from.</summary>
    public bool IsFrom(string? id) => _messageId.Matches(id);

    /// <summary>The id of the message this state came from, for an error message.</summary>
    public string? MessageId => _messageId.Read();

    /// <summary>The base as bytes (PC3a: a string as its UTF-8 encoding), valid until the next <see cref="Set"/>; false without a payload.</summary>
    public bool TryGetSource(out ReadOnlySpan<byte> source)
    {
        source = _kind switch
        {
            Kind.Bytes => _bytes.AsSpan(0, _length),
            Kind.Text => Utf8(_text.Span),
            Kind.Reference => _large as byte[] ?? Utf8((string)_large!),
            _ => default,
        };
        return _kind != Kind.None;
    }

    private static byte[] Utf8(ReadOnlySpan<char> text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text)];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private Kind Copy(byte[] bytes)
    {
        if (_bytes is null || _bytes.Length < bytes.Length)
        {
            _bytes = new byte[Math.Min(CopyLimit, TextCopy.Capacity(bytes.Length))];
        }

        bytes.CopyTo(_bytes, 0);
        _length = bytes.Length;
        return Kind.Bytes;
    }

    private Kind Copy(string text)
    {
        _text.Set(text);
        return Kind.Text;
    }

    private Kind Hold(object payload)
    {
        _large = payload;
        return Kind.Reference;
    }
}
