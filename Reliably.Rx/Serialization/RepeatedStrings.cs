using MessagePack;
using Reliably.Rx.Serialization.MsgPack;

namespace Reliably.Rx.Serialization;

/// <summary>
/// Within one frame, consecutive messages usually share their name, clientId, connectionId and encoding. Reading such
/// a field compares its raw UTF-8 bytes with the previous message's and reuses that string when they match, saving the
/// decode and the allocation. Both codecs use it; it lives on the stack for one read call only (the spans point into
/// the frame).
/// </summary>
internal ref struct RepeatedStrings
{
    public ReadOnlySpan<byte> NameBytes;
    public string? Name;
    public ReadOnlySpan<byte> ClientIdBytes;
    public string? ClientId;
    public ReadOnlySpan<byte> ConnectionIdBytes;
    public string? ConnectionId;
    public ReadOnlySpan<byte> EncodingBytes;
    public string? Encoding;

    /// <summary>Reads a msgpack str (or nil) field, reusing <paramref name="last"/> when the bytes equal <paramref name="lastBytes"/>.</summary>
    public static string? Read(ref MessagePackReader r, string field, ref ReadOnlySpan<byte> lastBytes, ref string? last)
    {
        if (r.NextMessagePackType != MessagePackType.String || !r.TryReadStringSpan(out var span))
        {
            return MsgPackRead.String(ref r, field);
        }

        return Decode(span, ref lastBytes, ref last);
    }

    /// <summary>
    /// Decodes strict UTF-8 <paramref name="utf8"/> (a span of the frame), or returns <paramref name="last"/> when the
    /// bytes are those it was decoded from.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> utf8, ref ReadOnlySpan<byte> lastBytes, ref string? last)
    {
        if (last is not null && utf8.SequenceEqual(lastBytes))
        {
            return last;
        }

        // Not the previous message's: perhaps a recent frame's (the same publisher, name or encoding as before).
        last = RecentStrings.Decode(utf8);
        lastBytes = utf8;
        return last;
    }
}
