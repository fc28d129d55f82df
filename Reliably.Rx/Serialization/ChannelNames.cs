using System.Text.Unicode;

namespace Reliably.Rx.Serialization;

/// <summary>
/// The channel field of an inbound ProtocolMessage. At one channel the name repeats from frame to frame and the last
/// one is reused; across many channels a frame names a different channel each time, and the name is looked up in the
/// connection's registered names (<see cref="IKnownNames"/>, given to the decode by the caller) so that a registered
/// channel's frame carries the registry's own string rather than a new one per frame. Any other name is decoded as
/// before (<see cref="RecentStrings"/>), with the same error for invalid UTF-8.
/// </summary>
internal sealed class ChannelNames
{
    [ThreadStatic]
    private static ChannelNames? t_current;

    private readonly byte[] _lastBytes = new byte[RecentStrings.MaxLength];
    private int _lastLength;
    private string? _last;
    private long _lastVersion;
    private IKnownNames? _known;

    private ChannelNames()
    {
    }

    /// <summary>
    /// Makes <paramref name="known"/> the names this thread's decode looks up until <see cref="Leave"/>; returns what
    /// was there before (a decode inside a decode restores it).
    /// </summary>
    public static IKnownNames? Enter(IKnownNames? known)
    {
        var state = t_current ??= new ChannelNames();
        var previous = state._known;
        state._known = known;
        return previous;
    }

    /// <summary>Restores what <see cref="Enter"/> returned, so no connection's names stay referenced by the thread.</summary>
    public static void Leave(IKnownNames? previous)
    {
        if (t_current is { } state)
        {
            state._known = previous;
        }
    }

    /// <summary>Decodes strict UTF-8 <paramref name="utf8"/> (a channel's name), reusing a string when it can.</summary>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > RecentStrings.MaxLength)
        {
            return CodecErrors.StrictUtf8.GetString(utf8);
        }

        return (t_current ??= new ChannelNames()).Find(utf8);
    }

    private string Find(ReadOnlySpan<byte> utf8)
    {
        // The last name, reused while the same table is asked and nothing was added to or removed from it since.
        var known = _known;
        var version = known?.Version ?? 0;
        if (_last is { } last && utf8.Length == _lastLength && version == _lastVersion
            && utf8.SequenceEqual(_lastBytes.AsSpan(0, _lastLength)))
        {
            return last;
        }

        var text = Registered(known, utf8) ?? RecentStrings.Decode(utf8);
        utf8.CopyTo(_lastBytes);
        _lastLength = utf8.Length;
        _last = text;
        _lastVersion = version;
        return text;
    }

    private static string? Registered(IKnownNames? known, ReadOnlySpan<byte> utf8)
    {
        if (known is null)
        {
            return null;
        }

        // The connection's previous channel, whichever thread decoded it (several connections share the threads).
        if (known.LastFound is { } previous && previous.Length == utf8.Length && System.Text.Ascii.Equals(utf8, previous))
        {
            return previous;
        }

        // No more UTF-16 units than UTF-8 bytes; anything but valid UTF-8 is left to the strict decoder, which throws as before.
        Span<char> chars = stackalloc char[utf8.Length];
        if (Utf8.ToUtf16(utf8, chars, out _, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        return known.Find(chars[..written]);
    }
}
