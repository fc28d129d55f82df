using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// Builds the JSON tree the public payload types expose (<see cref="JToken"/>: extras, annotations, data sent without
/// the json step, REST bodies) straight from a <see cref="Utf8JsonReader"/>. Values keep the types they have always had:
/// strings stay strings (no date parsing), integers are longs (or BigIntegers past 64 bits), other numbers doubles, and
/// a repeated property name keeps its last value.
/// </summary>
internal static class JsonTree
{
    /// <summary>The value at the reader's current token; the reader ends on the value's last token.</summary>
    public static JToken Read(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JObject();
                while (JsonRead.NextPropertyName(ref r) is { } name)
                {
                    JsonRead.Next(ref r);
                    obj[name] = Read(ref r);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JArray();
                while (JsonRead.NextElement(ref r))
                {
                    array.Add(Read(ref r));
                }

                return array;
            case JsonTokenType.String:
                return JValue.CreateString(JsonRead.Text(ref r));
            case JsonTokenType.Number:
                return new JValue(JsonRead.Number(ref r));
            case JsonTokenType.True:
                return new JValue(true);
            case JsonTokenType.False:
                return new JValue(false);
            case JsonTokenType.Null:
                return JValue.CreateNull();
            default:
                throw CodecErrors.Malformed($"Unexpected {r.TokenType} in a JSON value.");
        }
    }

    /// <summary>A whole document's value, from a reader positioned before its first token.</summary>
    public static JToken ReadDocument(ref Utf8JsonReader r)
    {
        JsonRead.Next(ref r);
        return Read(ref r);
    }

    /// <summary>Advances to the next value and reads it; null for JSON null.</summary>
    public static JToken? Next(ref Utf8JsonReader r)
    {
        JsonRead.Next(ref r);
        return r.TokenType == JsonTokenType.Null ? null : Read(ref r);
    }

    public static JObject? Object(ref Utf8JsonReader r, string field)
    {
        var token = Next(ref r);
        return token switch
        {
            null => null,
            JObject o => o,
            _ => throw CodecErrors.WrongType(field, "an object", token.Type.ToString()),
        };
    }
}
