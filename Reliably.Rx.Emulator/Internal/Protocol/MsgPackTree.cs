using System.Buffers;
using MessagePack;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// Converts msgpack to and from the same generic JToken tree used for JSON, so both formats share one code path.
/// Binary stays binary (a JValue of type Bytes) and unknown fields survive untouched.
/// </summary>
internal static class MsgPackTree
{
    private const int MaxDepth = 64;

    private static readonly (byte[] Utf8, string Name)[] KnownKeys =
    [
        .. new[]
        {
            "action", "id", "msgSerial", "channel", "channelSerial", "connectionId", "connectionKey", "timestamp",
            "messages", "presence", "name", "data", "encoding", "clientId", "extras", "serial", "count", "flags",
            "params", "error", "code", "statusCode", "message", "href", "res", "serials", "auth", "accessToken",
            "connectionSerial", "version", "createdAt", "updatedAt",
        }.Select(k => (System.Text.Encoding.UTF8.GetBytes(k), k)),
    ];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The protocol's field names that readers share rather than allocate.</summary>
    public static IEnumerable<string> KnownKeyNames => KnownKeys.Select(k => k.Name);

    public static JToken Read(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        var token = ReadToken(ref reader, 0);
        return token;
    }

    public static byte[] Write(JToken token)
    {
        // A reused per-thread buffer: every outgoing frame is written here, so growing a fresh one each time showed up
        // in the emulator's per-message allocations (docs/benchmarks.md).
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        try
        {
            var writer = new MessagePackWriter(buffer);
            WriteToken(ref writer, token);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 256 * 1024)
            {
                t_buffer = null;
            }
        }
    }

    /// <summary>
    /// Map keys: the protocol's field names are matched on their UTF-8 bytes and shared, so reading a frame does not
    /// allocate a string (and a throw-away JValue) per key.
    /// </summary>
    private static string ReadKey(ref MessagePackReader reader, int depth)
    {
        if (reader.NextMessagePackType == MessagePackType.String && reader.TryReadStringSpan(out var utf8))
        {
            return KeyName(utf8);
        }

        var key = ReadToken(ref reader, depth);
        return key.Type == JTokenType.String ? (string)key! : key.ToString(Newtonsoft.Json.Formatting.None);
    }

    /// <summary>A map key from its UTF-8 bytes, shared when it is one of the protocol's field names.</summary>
    internal static string KeyName(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, name) in KnownKeys)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        return System.Text.Encoding.UTF8.GetString(utf8);
    }

    /// <summary>Reads the next value as a tree; <paramref name="depth"/> is its nesting depth in the frame.</summary>
    internal static JToken ReadToken(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ErrorInfo.BadRequest("msgpack nesting too deep");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return JValue.CreateNull();
            case MessagePackType.Boolean:
                return new JValue(reader.ReadBoolean());
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    var u = reader.ReadUInt64();
                    return u <= long.MaxValue ? new JValue((long)u) : new JValue(u);
                }

                return new JValue(reader.ReadInt64());
            case MessagePackType.Float:
                return new JValue(reader.ReadDouble());
            case MessagePackType.String:
                return new JValue(reader.ReadString());
            case MessagePackType.Binary:
            {
                var seq = reader.ReadBytes();
                return new JValue(seq.HasValue ? seq.Value.ToArray() : []);
            }

            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader();
                var array = new JArray();
                for (var i = 0; i < count; i++)
                {
                    array.Add(ReadToken(ref reader, depth + 1));
                }

                return array;
            }

            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                var obj = new JObject();
                for (var i = 0; i < count; i++)
                {
                    var key = ReadKey(ref reader, depth + 1);
                    var value = ReadToken(ref reader, depth + 1);
                    obj[key] = value;
                }

                return obj;
            }

            case MessagePackType.Extension:
            {
                // Ably never sends extension types; keep the payload as opaque bytes rather than failing.
                var ext = reader.ReadExtensionFormat();
                return new JValue(ext.Data.ToArray());
            }

            default:
                throw ErrorInfo.BadRequest("Unsupported msgpack type");
        }
    }

    /// <summary>Writes one JToken as msgpack (binary stays binary).</summary>
    public static void WriteToken(ref MessagePackWriter writer, JToken token)
    {
        switch (token.Type)
        {
            case JTokenType.Object:
            {
                var obj = (JObject)token;
                writer.WriteMapHeader(obj.Count);
                foreach (var property in obj.Properties())
                {
                    writer.Write(property.Name);
                    WriteToken(ref writer, property.Value);
                }

                break;
            }

            case JTokenType.Array:
            {
                var array = (JArray)token;
                writer.WriteArrayHeader(array.Count);
                foreach (var item in array)
                {
                    WriteToken(ref writer, item);
                }

                break;
            }

            case JTokenType.Integer:
            {
                var value = ((JValue)token).Value;
                if (value is ulong ul)
                {
                    writer.Write(ul);
                }
                else if (value is System.Numerics.BigInteger big)
                {
                    writer.Write((double)big);
                }
                else
                {
                    writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                }

                break;
            }

            case JTokenType.Float:
                writer.Write(Convert.ToDouble(((JValue)token).Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JTokenType.Boolean:
                writer.Write((bool)token);
                break;
            case JTokenType.Bytes:
                // Never nil for empty binary: ably-js fails on nil where it expects bin (PROTOCOL.md 3.3).
                writer.Write(((byte[]?)((JValue)token).Value ?? []).AsSpan());
                break;
            case JTokenType.Null:
            case JTokenType.Undefined:
                writer.WriteNil();
                break;
            default:
                writer.Write(token.ToString());
                break;
        }
    }
}
