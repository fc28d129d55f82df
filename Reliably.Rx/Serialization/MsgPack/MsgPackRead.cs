using System.Buffers;
using MessagePack;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>
/// Typed reads over a <see cref="MessagePackReader"/>. Each helper accepts <c>nil</c> as "absent", accepts integers of
/// any width (and integral floats where an integer is expected), and throws 40000 for a value of the wrong type.
/// Every count read from the input is checked against the bytes that remain before anything is allocated or looped
/// over, and nothing recurses deeper than <see cref="CodecErrors.MaxDepth"/>.
/// </summary>
internal static class MsgPackRead
{
    public static long Remaining(in MessagePackReader r) => r.Sequence.Length - r.Consumed;

    /// <summary>The map's entry count, or -1 for nil.</summary>
    public static int MapHeader(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return -1;
        }

        if (r.NextMessagePackType != MessagePackType.Map)
        {
            throw CodecErrors.WrongType(field, "a map", r.NextMessagePackType.ToString());
        }

        var count = r.ReadMapHeader();
        // Each key and each value takes at least one byte.
        if (count < 0 || (long)count * 2 > Remaining(r))
        {
            throw CodecErrors.Malformed($"The map '{field}' claims more entries than the frame holds.");
        }

        return count;
    }

    /// <summary>The array's element count, or -1 for nil.</summary>
    public static int ArrayHeader(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return -1;
        }

        if (r.NextMessagePackType != MessagePackType.Array)
        {
            throw CodecErrors.WrongType(field, "an array", r.NextMessagePackType.ToString());
        }

        var count = r.ReadArrayHeader();
        if (count < 0 || count > Remaining(r))
        {
            throw CodecErrors.Malformed($"The array '{field}' claims more elements than the frame holds.");
        }

        return count;
    }

    /// <summary>
    /// Reads a map key and returns the matching <see cref="WireNames"/> constant, or null for a key we do not know
    /// (including non-string keys); the caller then skips the value.
    /// </summary>
    public static string? Key(ref MessagePackReader r)
    {
        if (r.NextMessagePackType != MessagePackType.String)
        {
            Skip(ref r);
            return null;
        }

        if (r.TryReadStringSpan(out var span))
        {
            return WireNames.Lookup(span);
        }

        var seq = r.ReadStringSequence();
        return seq is { } s && s.Length <= 32 ? WireNames.Lookup(s.ToArray()) : null;
    }

    public static string? String(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        if (r.NextMessagePackType != MessagePackType.String)
        {
            throw CodecErrors.WrongType(field, "a string", r.NextMessagePackType.ToString());
        }

        return StringValue(ref r);
    }

    /// <summary>As <see cref="String"/>, for a field that usually repeats from frame to frame (<see cref="RecentStrings"/>).</summary>
    public static string? RecentString(ref MessagePackReader r, string field)
    {
        if (r.NextMessagePackType == MessagePackType.String && r.TryReadStringSpan(out var span))
        {
            return RecentStrings.Decode(span);
        }

        return String(ref r, field);
    }

    /// <summary>As <see cref="String"/>, for the channel field of a ProtocolMessage (<see cref="ChannelNames"/>).</summary>
    public static string? ChannelName(ref MessagePackReader r, string field)
    {
        if (r.NextMessagePackType == MessagePackType.String && r.TryReadStringSpan(out var span))
        {
            return ChannelNames.Decode(span);
        }

        return String(ref r, field);
    }

    /// <summary>Reads a str the reader is positioned on, decoding strictly (invalid UTF-8 is malformed input).</summary>
    private static string StringValue(ref MessagePackReader r)
    {
        if (r.TryReadStringSpan(out var span))
        {
            return CodecErrors.StrictUtf8.GetString(span);
        }

        var seq = r.ReadStringSequence() ?? default;
        return CodecErrors.StrictUtf8.GetString(seq.IsSingleSegment ? seq.FirstSpan : seq.ToArray());
    }

    public static long? Int64(ref MessagePackReader r, string field)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return null;
            case MessagePackType.Integer:
                if (r.NextCode == MessagePackCode.UInt64)
                {
                    var u = r.ReadUInt64();
                    return u <= long.MaxValue ? (long)u : throw CodecErrors.Malformed($"Field '{field}' is out of range.");
                }

                return r.ReadInt64();
            case MessagePackType.Float:
                var d = r.ReadDouble();
                return d == Math.Floor(d) && d is >= -9.2233720368547748E+18 and < 9.2233720368547758E+18
                    ? (long)d
                    : throw CodecErrors.Malformed($"Field '{field}' must be an integer.");
            default:
                throw CodecErrors.WrongType(field, "an integer", r.NextMessagePackType.ToString());
        }
    }

    public static int? Int32(ref MessagePackReader r, string field)
    {
        var v = Int64(ref r, field);
        return v is null ? null
            : v is >= int.MinValue and <= int.MaxValue ? (int)v.Value
            : throw CodecErrors.Malformed($"Field '{field}' is out of range.");
    }

    public static double? Double(ref MessagePackReader r, string field)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return null;
            case MessagePackType.Integer:
                return r.NextCode == MessagePackCode.UInt64 ? r.ReadUInt64() : r.ReadInt64();
            case MessagePackType.Float:
                return r.ReadDouble();
            default:
                throw CodecErrors.WrongType(field, "a number", r.NextMessagePackType.ToString());
        }
    }

    public static bool? Boolean(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        return r.NextMessagePackType == MessagePackType.Boolean
            ? r.ReadBoolean()
            : throw CodecErrors.WrongType(field, "a boolean", r.NextMessagePackType.ToString());
    }

    /// <summary>
    /// Skips one value of any type without recursion: a pending-item counter replaces the call stack, so a frame of a
    /// million nested arrays cannot overflow it (RSF1: unknown fields are ignored).
    /// </summary>
    public static void Skip(ref MessagePackReader r)
    {
        long pending = 1;
        while (pending > 0)
        {
            pending--;
            switch (r.NextMessagePackType)
            {
                case MessagePackType.Map:
                    pending += 2L * MapHeader(ref r, "skipped value");
                    break;
                case MessagePackType.Array:
                    pending += ArrayHeader(ref r, "skipped value");
                    break;
                case MessagePackType.Unknown:
                    throw CodecErrors.Malformed($"Invalid msgpack code 0x{r.NextCode:x2}.");
                default:
                    r.Skip();
                    break;
            }
        }
    }

    /// <summary>Message data: str → string, bin → byte[], nil → null, map/array/other → a JSON tree.</summary>
    public static object? Data(ref MessagePackReader r)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return null;
            case MessagePackType.String:
                return StringValue(ref r);
            case MessagePackType.Binary:
                return BinaryValue(ref r);
            default:
                return Token(ref r, 0);
        }
    }

    private static byte[] BinaryValue(ref MessagePackReader r)
    {
        var seq = r.ReadBytes() ?? default;
        return seq.ToArray();
    }

    public static JObject? Object(ref MessagePackReader r, string field)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        return r.NextMessagePackType == MessagePackType.Map
            ? (JObject)Token(ref r, 0)
            : throw CodecErrors.WrongType(field, "a map", r.NextMessagePackType.ToString());
    }

    /// <summary>
    /// Any value as a JSON tree; bin becomes base64 text (RSC19: the generic request sees JSON).
    /// </summary>
    public static JToken Token(ref MessagePackReader r, int depth)
    {
        if (depth > CodecErrors.MaxDepth)
        {
            throw CodecErrors.Malformed("The msgpack value is nested too deeply.");
        }

        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return JValue.CreateNull();
            case MessagePackType.Boolean:
                return new JValue(r.ReadBoolean());
            case MessagePackType.Integer:
                if (r.NextCode == MessagePackCode.UInt64)
                {
                    var u = r.ReadUInt64();
                    return u <= long.MaxValue ? new JValue((long)u) : new JValue(u);
                }

                return new JValue(r.ReadInt64());
            case MessagePackType.Float:
                return new JValue(r.ReadDouble());
            case MessagePackType.String:
                return new JValue(StringValue(ref r));
            case MessagePackType.Binary:
                return new JValue(Convert.ToBase64String(BinaryValue(ref r)));
            case MessagePackType.Array:
            {
                var count = ArrayHeader(ref r, "array");
                var array = new JArray();
                for (var i = 0; i < count; i++)
                {
                    array.Add(Token(ref r, depth + 1));
                }

                return array;
            }

            case MessagePackType.Map:
            {
                var count = MapHeader(ref r, "map");
                var obj = new JObject();
                for (var i = 0; i < count; i++)
                {
                    var key = Token(ref r, depth + 1);
                    if (key.Type is JTokenType.Object or JTokenType.Array)
                    {
                        throw CodecErrors.Malformed("A msgpack map key must be a scalar.");
                    }

                    obj[ScalarText((JValue)key)] = Token(ref r, depth + 1);
                }

                return obj;
            }

            default:
                throw CodecErrors.Malformed($"Unsupported msgpack type {r.NextMessagePackType}.");
        }
    }

    /// <summary>A map of strings; scalars of other types become their invariant text, nested values are dropped.</summary>
    public static Dictionary<string, string>? StringMap(ref MessagePackReader r, string field)
    {
        var count = MapHeader(ref r, field);
        if (count < 0)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (r.NextMessagePackType != MessagePackType.String)
            {
                Skip(ref r);
                Skip(ref r);
                continue;
            }

            var key = StringValue(ref r);
            switch (r.NextMessagePackType)
            {
                case MessagePackType.String:
                    map[key] = StringValue(ref r);
                    break;
                case MessagePackType.Integer or MessagePackType.Float or MessagePackType.Boolean:
                    map[key] = ScalarText((JValue)Token(ref r, 0));
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }

        return map;
    }

    private static string ScalarText(JValue value) => value.Value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
