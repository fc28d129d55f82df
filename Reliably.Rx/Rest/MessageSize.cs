using System.Text;
using Newtonsoft.Json;

namespace Reliably.Rx.Rest;

/// <summary>The size of a message as Ably counts it against maxMessageSize (TM6, RSL1i).</summary>
internal static class MessageSize
{
    /// <summary>The default maximum message size, 64 KiB (TO3l8).</summary>
    public const int DefaultMaxMessageSize = 65536;

    /// <summary>
    /// TM6: UTF-8 bytes of name, clientId and the JSON of extras, plus the data: UTF-8 bytes of a string, the length of
    /// binary data. Measured on the encoded message but without the transport's base64 step, which is not payload.
    /// </summary>
    public static long Of(Message encoded)
    {
        long size = Utf8(encoded.Name) + Utf8(encoded.ClientId);
        if (encoded.Extras is not null)
        {
            size += Utf8(encoded.Extras.ToString(Formatting.None));
        }

        size += encoded.Data switch
        {
            null => 0,
            byte[] bytes => bytes.Length,
            string text when encoded.Encoding?.EndsWith("base64", StringComparison.Ordinal) == true => Base64Length(text),
            string text => Utf8(text),
            var other => Utf8(JsonConvert.SerializeObject(other)),
        };
        return size;
    }

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    private static long Base64Length(string text)
    {
        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        return (text.Length / 4 * 3) - padding;
    }
}
