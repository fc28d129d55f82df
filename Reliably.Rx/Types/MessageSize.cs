using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// The one size rule (TM6, TP5, TO3l8f): what a message counts against maxMessageSize. REST (RSL1i) and realtime
/// (RTL6, RTP) publishes measure with this function, once per publish, on the publisher's thread: the connection loop
/// only compares the result with the connection's limit.
/// </summary>
internal static class MessageSize
{
    /// <summary>The default maximum message size, 64 KiB (TO3l8).</summary>
    public const int DefaultMaxMessageSize = 65536;

    /// <summary>The last step of an encoding that is base64 text on the wire (RSL4b); the payload chain names its step with it.</summary>
    public const string Base64Encoding = "base64";

    /// <summary>
    /// TM6a: the sizes of name, clientId, data and extras, measured on the encoded message (JSON objects already turned
    /// into text, RSL4d3; ciphertext for an encrypted payload) but without the JSON transport's base64 step, which is not
    /// payload: binary data counts its bytes whatever the protocol (TM6c). Strings count their UTF-8 bytes (TM6f), extras
    /// the UTF-8 bytes of their JSON (TM6d), absent properties nothing (TM6e).
    /// </summary>
    public static long Of(Message encoded) =>
        Utf8(encoded.Name) + Utf8(encoded.ClientId) + Extras(encoded.Extras) + Data(encoded.Data, encoded.Encoding);

    /// <summary>TP5: a presence message is measured as a message is (it has no name).</summary>
    public static long Of(PresenceMessage encoded) =>
        Utf8(encoded.ClientId) + Extras(encoded.Extras) + Data(encoded.Data, encoded.Encoding);

    /// <summary>TO3l8f: the sum over the messages (or presence messages) of one publish.</summary>
    public static long Of(IReadOnlyList<Message> encoded)
    {
        long total = 0;
        foreach (var message in encoded)
        {
            total += Of(message);
        }

        return total;
    }

    /// <inheritdoc cref="Of(IReadOnlyList{Message})"/>
    public static long Of(IReadOnlyList<PresenceMessage> encoded)
    {
        long total = 0;
        foreach (var message in encoded)
        {
            total += Of(message);
        }

        return total;
    }

    /// <summary>The 40009 error for a publish of <paramref name="size"/> bytes over <paramref name="max"/> (RSL1i, TO3l8).</summary>
    public static ErrorInfo TooLarge(long size, long max) =>
        new(ErrorCodes.MessageTooLarge, 400, $"The message size {size} bytes exceeds the maximum of {max} bytes (TO3l8).")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.MessageTooLarge),
        };

    private static long Data(object? data, string? encoding) => data switch
    {
        null => 0,
        byte[] bytes => bytes.Length,
        string text when encoding?.EndsWith(Base64Encoding, StringComparison.Ordinal) == true => Base64Length(text),
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

    private static long Extras(JObject? extras) => extras is null ? 0 : Utf8(extras.ToString(Formatting.None));

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    private static long Base64Length(string text)
    {
        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        return (text.Length / 4 * 3) - padding;
    }
}
