using MessagePack;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>
/// Within one frame, consecutive messages usually share their name, clientId, connectionId and encoding. Reading such
/// a field compares its raw bytes with the previous message's and reuses that string when they match, saving the UTF-8
/// decode and the allocation. Lives on the stack for one read call only (the spans point into the frame).
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

    /// <summary>Reads a str (or nil) field, reusing <paramref name="last"/> when the bytes equal <paramref name="lastBytes"/>.</summary>
    public static string? Read(ref MessagePackReader r, string field, ref ReadOnlySpan<byte> lastBytes, ref string? last)
    {
        if (r.NextMessagePackType != MessagePackType.String || !r.TryReadStringSpan(out var span))
        {
            return MsgPackRead.String(ref r, field);
        }

        if (last is not null && span.SequenceEqual(lastBytes))
        {
            return last;
        }

        last = CodecErrors.StrictUtf8.GetString(span);
        lastBytes = span;
        return last;
    }
}
