using System.Buffers;
using MessagePack;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The specs' <c>msgpack_encode(value)</c>: a value built from maps (<see cref="IDictionary{TKey, TValue}"/> of string
/// keys), lists, strings (msgpack <c>str</c>), byte arrays (msgpack <c>bin</c>), integers, booleans and null, written
/// as MessagePack for a scripted response body. Independent of the client's codec, so a case checks the client's reading.
/// </summary>
public static class Msgpack
{
    /// <summary>The content type of a msgpack body.</summary>
    public const string ContentType = "application/x-msgpack";

    /// <summary>Encodes <paramref name="value"/>.</summary>
    public static byte[] Encode(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A map with string keys, in the given order.</summary>
    public static IDictionary<string, object?> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }

    /// <summary>Decodes a msgpack body into the same shapes (maps, lists, strings, byte arrays, longs, booleans, null).</summary>
    public static object? Decode(byte[] body)
    {
        var reader = new MessagePackReader(body);
        return Read(ref reader);
    }

    private static void Write(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNil(); break;
            case string s: writer.Write(s); break;
            case byte[] bytes: writer.Write(bytes); break;
            case bool b: writer.Write(b); break;
            case int i: writer.Write(i); break;
            case long l: writer.Write(l); break;
            case double d: writer.Write(d); break;
            case IDictionary<string, object?> map:
                writer.WriteMapHeader(map.Count);
                foreach (var (key, item) in map)
                {
                    writer.Write(key);
                    Write(ref writer, item);
                }

                break;
            case System.Collections.IEnumerable list:
                var items = list.Cast<object?>().ToList();
                writer.WriteArrayHeader(items.Count);
                foreach (var item in items)
                {
                    Write(ref writer, item);
                }

                break;
            default: throw new ArgumentException("Not a msgpack test value: " + value.GetType(), nameof(value));
        }
    }

    private static object? Read(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil: reader.ReadNil(); return null;
            case MessagePackType.String: return reader.ReadString();
            case MessagePackType.Binary: return reader.ReadBytes()!.Value.ToArray();
            case MessagePackType.Boolean: return reader.ReadBoolean();
            case MessagePackType.Integer: return reader.ReadInt64();
            case MessagePackType.Float: return reader.ReadDouble();
            case MessagePackType.Map:
                var count = reader.ReadMapHeader();
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    var key = reader.ReadString()!;
                    map[key] = Read(ref reader);
                }

                return map;
            case MessagePackType.Array:
                var length = reader.ReadArrayHeader();
                var list = new List<object?>(length);
                for (var i = 0; i < length; i++)
                {
                    list.Add(Read(ref reader));
                }

                return list;
            default: throw new InvalidOperationException("Unexpected msgpack type " + reader.NextMessagePackType);
        }
    }
}
