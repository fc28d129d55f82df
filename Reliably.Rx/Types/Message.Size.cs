using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;

namespace Reliably.Rx;

/// <summary>TM6: what a message counts against maxMessageSize. Measured here because its rule is the message's JSON.</summary>
public sealed partial record Message
{
    /// <summary>
    /// TM6a: the sizes of name, clientId, data and extras, measured on the encoded message (JSON objects already turned
    /// into text, RSL4d3; ciphertext for an encrypted payload) but without the JSON transport's base64 step, which is not
    /// payload: binary data counts its bytes whatever the protocol (TM6c).
    /// </summary>
    internal long Size => Measure(Name, ClientId, Extras, Data, Encoding);

    /// <summary>
    /// The one size rule (TM6, TP5): strings count their UTF-8 bytes (TM6f), extras the UTF-8 bytes of their JSON (TM6d),
    /// absent properties nothing (TM6e); binary data its bytes (TM6c); JSON data not yet encoded the bytes of its JSON
    /// text (TM6b).
    /// </summary>
    internal static long Measure(string? name, string? clientId, JObject? extras, object? data, string? encoding) =>
        Utf8(name) + Utf8(clientId) + (extras is null ? 0 : Utf8(extras.ToString(Formatting.None))) + DataSize(data, encoding);

    private static long DataSize(object? data, string? encoding) => data switch
    {
        null => 0,
        byte[] bytes => bytes.Length,
        string text when encoding?.EndsWith(MessageSize.Base64Encoding, StringComparison.Ordinal) == true => Base64Length(text),
        string text => Utf8(text),

        // What the encoder sends as a string or as bytes counts as one (TM6c, TM6f), whatever its .NET form (TP5: a
        // message not yet encoded is measured as it will be sent).
        JValue { Type: JTokenType.String, Value: string text } => Utf8(text),
        JValue { Type: JTokenType.Bytes, Value: byte[] bytes } => bytes.Length,
        JValue { Type: JTokenType.Null or JTokenType.Undefined } => 0,
        ReadOnlyMemory<byte> memory => memory.Length,
        ArraySegment<byte> segment => segment.Count,

        // Encoded data is always text or bytes; a caller that measures unencoded JSON gets TM6b's rule.
        JToken token => Utf8(token.ToString(Formatting.None)),
        var other => Utf8(JsonConvert.SerializeObject(other)),
    };

    private static int Utf8(string? text) => text is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(text);

    private static long Base64Length(string text)
    {
        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        return (text.Length / 4 * 3) - padding;
    }
}
