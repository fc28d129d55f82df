using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>Decodes and encodes whole payloads in either wire format, mapping parse failures to Ably errors.</summary>
internal static class WireCodec
{
    public static JToken Decode(ReadOnlyMemory<byte> bytes, WireFormat format)
    {
        try
        {
            return format == WireFormat.MsgPack ? MsgPackTree.Read(bytes) : JsonTree.Read(bytes.Span);
        }
        catch (AblyException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException or System.Text.Json.JsonException or MessagePack.MessagePackSerializationException
            or EndOfStreamException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new AblyException(40000, 400, "Unable to decode " + (format == WireFormat.MsgPack ? "msgpack" : "JSON") + " body: " + ex.Message);
        }
    }

    public static byte[] Encode(JToken token, WireFormat format) =>
        format == WireFormat.MsgPack ? MsgPackTree.Write(token) : JsonTree.Write(token);
}
