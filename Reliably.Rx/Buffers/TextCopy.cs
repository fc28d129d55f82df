namespace Reliably.Rx.Buffers;

/// <summary>
/// A text value kept as characters in a buffer of its own, reused for every later value (grown only when a longer one
/// arrives), with a <see cref="string"/> built only when someone reads it. A long-lived object that stores each
/// message's id or serial this way holds no reference to the message's young strings, so a gen-0 collection has
/// nothing of it to scan or promote (with thousands of channels, references from every channel's state into each
/// message's strings made every collection scan and promote thousands of objects). One thread only; see
/// <see cref="PublishedText"/> for a value read from other threads.
/// </summary>
/// <remarks>A mutable struct: keep it in a non-readonly field and call it in place, never copy it.</remarks>
internal struct TextCopy
{
    private char[]? _chars;

    // The length plus one, so that the default value (0) is null.
    private int _lengthPlusOne;

    /// <summary>False while the value is null.</summary>
    public readonly bool HasValue => _lengthPlusOne != 0;

    /// <summary>The value as characters (empty when null); valid until the next <see cref="Set"/>.</summary>
    public readonly ReadOnlySpan<char> Span => _lengthPlusOne == 0 ? default : _chars.AsSpan(0, _lengthPlusOne - 1);

    /// <summary>Copies <paramref name="value"/> in; null clears the value and keeps the buffer.</summary>
    public void Set(string? value)
    {
        if (value is null)
        {
            _lengthPlusOne = 0;
            return;
        }

        if (_chars is null || _chars.Length < value.Length)
        {
            _chars = new char[Capacity(value.Length)];
        }

        value.CopyTo(_chars);
        _lengthPlusOne = value.Length + 1;
    }

    /// <summary>Ordinal equality with <paramref name="value"/>, null equal to null.</summary>
    public readonly bool Matches(string? value) =>
        value is null ? _lengthPlusOne == 0 : _lengthPlusOne != 0 && value.AsSpan().SequenceEqual(Span);

    /// <summary>A new string with the value, or null.</summary>
    public readonly string? Read() => _lengthPlusOne == 0 ? null : new string(Span);

    /// <summary>A buffer's size for a value of <paramref name="length"/> characters: room to grow a little, so that
    /// values of slowly growing length (serials, counters) do not reallocate each time.</summary>
    internal static int Capacity(int length) => Math.Max(16, length + (length >> 2));
}
