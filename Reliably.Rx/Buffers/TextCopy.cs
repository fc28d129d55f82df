namespace Reliably.Rx.Buffers;

/// <summary>
/// A text value kept as characters in a buffer of its own, reused for every later value (grown only when a longer one
/// arrives), with a <see cref="string"/> built only when someone reads it. A long-lived object that stores each
/// message's id or serial this way holds no reference to the message's young strings, so a gen-0 collection has
/// nothing of it to scan or promote (with thousands of channels, references from every channel's state into each
/// message's strings made every collection scan and promote thousands of objects). One thread only; see
/// <see cref="PublishedText"/> for a value read from other threads.
/// </summary>
/// <remarks>
/// A mutable struct: keep it in a non-readonly field and call it in place, never copy it. It is one reference, as the
/// string it replaces was: the length is kept in the buffer's first two characters, so an owner that never receives a
/// value grows by nothing.
/// </remarks>
internal struct TextCopy
{
    // Two characters of length (plus one, so that 0 is null), then the characters; null before the first value.
    private const int Header = 2;

    private char[]? _buffer;

    /// <summary>False while the value is null.</summary>
    public readonly bool HasValue => LengthPlusOne != 0;

    /// <summary>The value as characters (empty when null); valid until the next <see cref="Set"/>.</summary>
    public readonly ReadOnlySpan<char> Span => LengthPlusOne is var n and > 0 ? _buffer.AsSpan(Header, n - 1) : default;

    private readonly int LengthPlusOne => _buffer is { } b ? b[0] | (b[1] << 16) : 0;

    /// <summary>Copies <paramref name="value"/> in; null clears the value and keeps the buffer.</summary>
    public void Set(string? value)
    {
        if (value is null)
        {
            if (_buffer is { } b)
            {
                b[0] = b[1] = '\0';
            }

            return;
        }

        if (_buffer is null || _buffer.Length - Header < value.Length)
        {
            _buffer = new char[Header + Capacity(value.Length)];
        }

        value.CopyTo(_buffer.AsSpan(Header));
        var lengthPlusOne = value.Length + 1;
        _buffer[0] = (char)(lengthPlusOne & 0xFFFF);
        _buffer[1] = (char)(lengthPlusOne >> 16);
    }

    /// <summary>Ordinal equality with <paramref name="value"/>, null equal to null.</summary>
    public readonly bool Matches(string? value) =>
        value is null ? !HasValue : HasValue && value.AsSpan().SequenceEqual(Span);

    /// <summary>A new string with the value, or null.</summary>
    public readonly string? Read() => HasValue ? new string(Span) : null;

    /// <summary>A buffer's size for a value of <paramref name="length"/> characters: room to grow a little, so that
    /// values of slowly growing length (serials, counters) do not reallocate each time.</summary>
    internal static int Capacity(int length) => Math.Max(16, length + (length >> 2));
}
