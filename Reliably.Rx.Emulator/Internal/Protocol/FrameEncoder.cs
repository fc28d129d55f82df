using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using MessagePack;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// Encodes <see cref="FrameContent"/> into reused per-thread buffers (one exact-size array per frame and format), and
/// writes JToken values of stored messages without converting them to text first.
/// </summary>
internal static class FrameEncoder
{
    private const int KeepCapacity = 256 * 1024;

    // Relaxed escaping: like Newtonsoft's default output, non-ASCII text is written as UTF-8, not as \u escapes.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public static byte[] Encode(FrameContent content, WireFormat format)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        try
        {
            if (format == WireFormat.MsgPack)
            {
                var writer = new MessagePackWriter(buffer);
                content.WriteMsgPack(ref writer);
                writer.Flush();
            }
            else
            {
                var json = t_json ??= new Utf8JsonWriter(buffer, JsonOptions);
                json.Reset(buffer);
                content.WriteJson(json);
                json.Flush();
            }

            return buffer.WrittenSpan.ToArray();
        }
        catch
        {
            // A half-written buffer must not leak into the next frame on this thread.
            t_json = null;
            t_buffer = null;
            throw;
        }
        finally
        {
            if (buffer.Capacity > KeepCapacity)
            {
                t_json = null;
                t_buffer = null;
            }
        }
    }

    /// <summary>Writes a JToken as JSON, as Newtonsoft would (binary as base64, as JSON egress requires).</summary>
    public static void WriteToken(Utf8JsonWriter writer, JToken token)
    {
        switch (token)
        {
            case JObject obj:
                writer.WriteStartObject();
                foreach (var property in obj.Properties())
                {
                    writer.WritePropertyName(property.Name);
                    WriteToken(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteToken(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JValue value:
                WriteValue(writer, value);
                break;
            default:
                // JConstructor and JRaw never come out of the readers; keep Newtonsoft's rendering for them.
                writer.WriteRawValue(token.ToString(Formatting.None), skipInputValidation: true);
                break;
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JValue value)
    {
        switch (value.Value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            default:
                // Floats, big integers and the rest: Newtonsoft's own rendering (e.g. 1.0 stays 1.0).
                writer.WriteRawValue(value.ToString(Formatting.None), skipInputValidation: true);
                break;
        }
    }
}
