using System.Globalization;
using System.Numerics;
using MessagePack;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>Writes for the msgpack codec: pre-encoded keys, optional fields, string maps and JSON trees.</summary>
internal static class MsgPackWrite
{
    public static void Field(ref MessagePackWriter w, byte[] key, string value)
    {
        w.WriteRaw(key);
        w.Write(value);
    }

    public static void Field(ref MessagePackWriter w, byte[] key, long value)
    {
        w.WriteRaw(key);
        w.Write(value);
    }

    public static void StringMap(ref MessagePackWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            w.Write(key);
            w.Write(value);
        }
    }

    /// <summary>A JSON tree as msgpack: objects as maps keyed by str, arrays as arrays, byte values as bin.</summary>
    public static void Token(ref MessagePackWriter w, JToken token)
    {
        switch (token)
        {
            case JObject o:
                w.WriteMapHeader(o.Count);
                foreach (var p in o.Properties())
                {
                    w.Write(p.Name);
                    Token(ref w, p.Value);
                }

                break;
            case JArray a:
                w.WriteArrayHeader(a.Count);
                foreach (var item in a)
                {
                    Token(ref w, item);
                }

                break;
            case JValue v:
                Value(ref w, v);
                break;
            default:
                w.WriteNil();
                break;
        }
    }

    private static void Value(ref MessagePackWriter w, JValue v)
    {
        switch (v.Type)
        {
            case JTokenType.Integer:
                switch (v.Value)
                {
                    case ulong u: w.Write(u); break;
                    case BigInteger big: w.Write((double)big); break;
                    default: w.Write(Convert.ToInt64(v.Value, CultureInfo.InvariantCulture)); break;
                }

                break;
            case JTokenType.Float:
                w.Write(Convert.ToDouble(v.Value, CultureInfo.InvariantCulture));
                break;
            case JTokenType.String:
                w.Write((string?)v.Value);
                break;
            case JTokenType.Boolean:
                w.Write((bool)v.Value!);
                break;
            case JTokenType.Bytes:
                w.Write((byte[]?)v.Value);
                break;
            case JTokenType.Date:
                w.Write(v.Value is DateTimeOffset dto
                    ? dto.ToString("O", CultureInfo.InvariantCulture)
                    : Convert.ToDateTime(v.Value, CultureInfo.InvariantCulture).ToString("O", CultureInfo.InvariantCulture));
                break;
            case JTokenType.Guid or JTokenType.Uri or JTokenType.TimeSpan or JTokenType.Raw:
                w.Write(Convert.ToString(v.Value, CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteNil();
                break;
        }
    }
}
