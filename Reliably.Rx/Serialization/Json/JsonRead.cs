using System.Globalization;
using System.Numerics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// Typed reads over a <see cref="JsonTextReader"/>. Each helper advances to the next value, accepts <c>null</c> as
/// "absent", and throws 40000 for a value of the wrong type or a truncated document.
/// </summary>
internal static class JsonRead
{
    /// <summary>Advances to the next token, stepping over comments (which Newtonsoft accepts), in a loop rather than recursively.</summary>
    public static void Next(JsonReader r)
    {
        do
        {
            if (!r.Read())
            {
                throw CodecErrors.Malformed("The JSON text ends early.");
            }
        }
        while (r.TokenType == JsonToken.Comment);
    }

    /// <summary>Advances to the value and returns true for a StartObject, false for null; anything else is an error.</summary>
    public static bool BeginObject(JsonReader r, string field)
    {
        Next(r);
        return r.TokenType switch
        {
            JsonToken.StartObject => true,
            JsonToken.Null or JsonToken.Undefined => false,
            _ => throw CodecErrors.WrongType(field, "an object", r.TokenType.ToString()),
        };
    }

    /// <summary>Advances to the value and returns true for a StartArray, false for null; anything else is an error.</summary>
    public static bool BeginArray(JsonReader r, string field)
    {
        Next(r);
        return r.TokenType switch
        {
            JsonToken.StartArray => true,
            JsonToken.Null or JsonToken.Undefined => false,
            _ => throw CodecErrors.WrongType(field, "an array", r.TokenType.ToString()),
        };
    }

    /// <summary>Inside an object: advances to the next property and returns its (interned) name, or null at the end.</summary>
    public static string? NextProperty(JsonReader r)
    {
        Next(r);
        return r.TokenType switch
        {
            JsonToken.PropertyName => (string)r.Value!,
            JsonToken.EndObject => null,
            _ => throw CodecErrors.Malformed($"Unexpected {r.TokenType} in a JSON object."),
        };
    }

    /// <summary>Inside an array: advances to the next element; false at the end.</summary>
    public static bool NextElement(JsonReader r)
    {
        Next(r);
        return r.TokenType != JsonToken.EndArray;
    }

    /// <summary>Skips the value of the current property, whatever its type or nesting (RSF1: unknown fields are ignored).</summary>
    public static void SkipValue(JsonReader r)
    {
        Next(r);
        r.Skip();
    }

    public static string? String(JsonReader r, string field)
    {
        Next(r);
        return r.TokenType switch
        {
            JsonToken.String => (string)r.Value!,
            JsonToken.Null or JsonToken.Undefined => null,
            _ => throw CodecErrors.WrongType(field, "a string", r.TokenType.ToString()),
        };
    }

    public static long? Int64(JsonReader r, string field)
    {
        Next(r);
        return CurrentInt64(r, field);
    }

    public static long? CurrentInt64(JsonReader r, string field)
    {
        switch (r.TokenType)
        {
            case JsonToken.Integer:
                return r.Value switch
                {
                    long l => l,
                    int i => i,
                    BigInteger => throw CodecErrors.Malformed($"Field '{field}' is out of range."),
                    _ => Convert.ToInt64(r.Value, CultureInfo.InvariantCulture),
                };
            case JsonToken.Float:
                // Tolerated when integral: some encoders write every number as a double.
                var d = Convert.ToDouble(r.Value, CultureInfo.InvariantCulture);
                return d == Math.Floor(d) && d is >= -9.2233720368547748E+18 and < 9.2233720368547758E+18
                    ? (long)d
                    : throw CodecErrors.Malformed($"Field '{field}' must be an integer.");
            case JsonToken.Null or JsonToken.Undefined:
                return null;
            default:
                throw CodecErrors.WrongType(field, "a number", r.TokenType.ToString());
        }
    }

    public static int? Int32(JsonReader r, string field)
    {
        var v = Int64(r, field);
        return v is null ? null
            : v is >= int.MinValue and <= int.MaxValue ? (int)v.Value
            : throw CodecErrors.Malformed($"Field '{field}' is out of range.");
    }

    public static double? Double(JsonReader r, string field)
    {
        Next(r);
        return r.TokenType switch
        {
            JsonToken.Integer or JsonToken.Float => Convert.ToDouble(r.Value, CultureInfo.InvariantCulture),
            JsonToken.Null or JsonToken.Undefined => null,
            _ => throw CodecErrors.WrongType(field, "a number", r.TokenType.ToString()),
        };
    }

    public static bool? Boolean(JsonReader r, string field)
    {
        Next(r);
        return r.TokenType switch
        {
            JsonToken.Boolean => (bool)r.Value!,
            JsonToken.Null or JsonToken.Undefined => null,
            _ => throw CodecErrors.WrongType(field, "a boolean", r.TokenType.ToString()),
        };
    }

    /// <summary>A JSON tree value of any type; null for JSON null.</summary>
    public static JToken? Token(JsonReader r)
    {
        Next(r);
        return r.TokenType is JsonToken.Null or JsonToken.Undefined ? null : JToken.ReadFrom(r);
    }

    public static JObject? Object(JsonReader r, string field)
    {
        var token = Token(r);
        return token switch
        {
            null => null,
            JObject o => o,
            _ => throw CodecErrors.WrongType(field, "an object", token.Type.ToString()),
        };
    }

    public static JArray? Array(JsonReader r, string field)
    {
        var token = Token(r);
        return token switch
        {
            null => null,
            JArray a => a,
            _ => throw CodecErrors.WrongType(field, "an array", token.Type.ToString()),
        };
    }

    /// <summary>
    /// A map of strings (params, detail, metadata). Scalar values of other types are kept as their invariant text,
    /// nulls and nested values are dropped: these maps are advisory and must never fail a frame.
    /// </summary>
    public static Dictionary<string, string>? StringMap(JsonReader r, string field)
    {
        if (!BeginObject(r, field))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (NextProperty(r) is { } key)
        {
            Next(r);
            switch (r.TokenType)
            {
                case JsonToken.String:
                    map[key] = (string)r.Value!;
                    break;
                case JsonToken.Integer or JsonToken.Float:
                    map[key] = Convert.ToString(r.Value, CultureInfo.InvariantCulture)!;
                    break;
                case JsonToken.Boolean:
                    map[key] = (bool)r.Value! ? "true" : "false";
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        return map;
    }

    /// <summary>Reads past the end of the top-level value and rejects trailing content.</summary>
    public static void End(JsonReader r)
    {
        while (r.Read())
        {
            if (r.TokenType != JsonToken.Comment)
            {
                throw CodecErrors.Malformed("Unexpected content after the JSON value.");
            }
        }
    }
}
