namespace Reliably.Rx.Serialization;

/// <summary>
/// The strings that repeat from one frame to the next on a connection (the channel's name, the publisher's
/// connectionId, clientId, event name and encoding): each decoding thread keeps the last few it decoded, with their
/// UTF-8 bytes, and a field whose bytes match one of them reuses that string instead of transcoding and allocating a
/// new one. Only for short values of fields that usually repeat; a unique value (an id, a serial, the data) would only
/// evict the others. Strings are immutable, so sharing one between messages, frames and threads is safe.
/// </summary>
internal sealed class RecentStrings
{
    /// <summary>Values longer than this (in UTF-8 bytes) are decoded every time.</summary>
    internal const int MaxLength = 128;

    private const int Slots = 8;

    [ThreadStatic]
    private static RecentStrings? t_current;

    private readonly string?[] _strings = new string?[Slots];
    private readonly byte[][] _bytes = new byte[Slots][];
    private readonly int[] _lengths = new int[Slots];
    private int _next;

    private RecentStrings()
    {
        for (var i = 0; i < Slots; i++)
        {
            _bytes[i] = new byte[MaxLength];
        }
    }

    /// <summary>
    /// Decodes strict UTF-8 <paramref name="utf8"/> (throwing as <see cref="CodecErrors.StrictUtf8"/> does), or returns
    /// the string this thread last decoded from the same bytes.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return CodecErrors.StrictUtf8.GetString(utf8);
        }

        return (t_current ??= new RecentStrings()).Find(utf8);
    }

    private string Find(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < Slots; i++)
        {
            if (_lengths[i] == utf8.Length && _strings[i] is { } known && utf8.SequenceEqual(_bytes[i].AsSpan(0, utf8.Length)))
            {
                return known;
            }
        }

        // Decoded before it is kept: invalid UTF-8 throws here and leaves the cache as it was.
        var text = CodecErrors.StrictUtf8.GetString(utf8);
        var slot = _next;
        _next = (slot + 1) % Slots;
        utf8.CopyTo(_bytes[slot]);
        _lengths[slot] = utf8.Length;
        _strings[slot] = text;
        return text;
    }
}
