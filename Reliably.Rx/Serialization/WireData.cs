using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization;

/// <summary>What a codec writes for a message's <c>data</c>.</summary>
internal enum WireDataKind
{
    None,
    Text,
    Binary,
}

/// <summary>
/// Prepares message/presence <c>data</c> for the wire. Normally the payload encoder (MessageEncoder) has already
/// turned data into a string or bytes. When it has not, the codec still writes a faithful message instead of failing:
/// JSON (a <see cref="JToken"/> or any other object) is written as its JSON text with a <c>json</c> step appended to the
/// encoding, and bytes on the JSON format are written as base64 text with a <c>base64</c> step appended. The msgpack
/// format writes bytes as <c>bin</c> and needs no step (PROTOCOL.md 3.3).
/// </summary>
internal static class WireData
{
    public static WireDataKind Prepare(object? data, string? encoding, bool binaryAllowed, out string? text, out byte[]? bytes, out string? wireEncoding)
    {
        text = null;
        bytes = null;
        wireEncoding = encoding;
        switch (data)
        {
            case null:
                return WireDataKind.None;
            case string s:
                text = s;
                return WireDataKind.Text;
            case byte[] b:
                return Binary(b, binaryAllowed, out text, out bytes, ref wireEncoding);
            case JValue { Type: JTokenType.Null or JTokenType.Undefined }:
                return WireDataKind.None;
            case JValue { Type: JTokenType.String } v:
                text = (string)v.Value!;
                return WireDataKind.Text;
            case JValue { Type: JTokenType.Bytes, Value: byte[] vb }:
                return Binary(vb, binaryAllowed, out text, out bytes, ref wireEncoding);
            case ReadOnlyMemory<byte> memory:
                return Binary(memory.ToArray(), binaryAllowed, out text, out bytes, ref wireEncoding);
            case ArraySegment<byte> segment:
                return Binary(segment.ToArray(), binaryAllowed, out text, out bytes, ref wireEncoding);
            case JToken token:
                text = token.ToString(Formatting.None);
                wireEncoding = AppendStep(encoding, "json");
                return WireDataKind.Text;
            default:
                text = MessageData.Json(data).ToString(Formatting.None);
                wireEncoding = AppendStep(encoding, "json");
                return WireDataKind.Text;
        }
    }

    private static WireDataKind Binary(byte[] b, bool binaryAllowed, out string? text, out byte[]? bytes, ref string? wireEncoding)
    {
        if (binaryAllowed)
        {
            text = null;
            bytes = b;
            return WireDataKind.Binary;
        }

        bytes = null;
        text = Convert.ToBase64String(b);
        wireEncoding = AppendStep(wireEncoding, "base64");
        return WireDataKind.Text;
    }

    public static string AppendStep(string? encoding, string step) =>
        string.IsNullOrEmpty(encoding) ? step : encoding + "/" + step;
}
