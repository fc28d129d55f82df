using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization;

/// <summary>
/// The JSON steps of the payload chain (RSL4d3, RSL6): data that is a JSON value, JSON data written as text and JSON
/// text read back into a tree. The chain (PayloadTransform) calls these so that the JSON tree stays here.
/// </summary>
internal static class JsonPayload
{
    /// <summary>
    /// A JSON null (or undefined) as null, a JSON string or bytes value as the string or bytes it holds; any other data
    /// as it is.
    /// </summary>
    public static object? Unwrap(object? data) => data switch
    {
        JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
        JValue { Type: JTokenType.String, Value: string s } => s,
        JValue { Type: JTokenType.Bytes, Value: byte[] b } => b,
        _ => data,
    };

    /// <summary>True when <paramref name="data"/> is already a JSON tree (a <c>json</c> step has nothing left to undo).</summary>
    public static bool IsTree(object? data) => data is JToken;

    /// <summary>
    /// RSL4a, RSL4d3: <paramref name="data"/> (a JSON tree, or an object serialized as JSON) as compact JSON text. 40013
    /// when it cannot be serialized, or is not a JSON object or array (numbers, booleans and other scalars are refused
    /// rather than sent as bare JSON values).
    /// </summary>
    public static string ToText(object data)
    {
        JToken token;
        try
        {
            token = data as JToken ?? MessageData.Json(data);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                $"Message data of type {data.GetType().Name} cannot be serialized as JSON.", ex);
        }

        if (token.Type is not (JTokenType.Object or JTokenType.Array))
        {
            throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                $"Message data of type {data.GetType().Name} is not supported: use a string, a byte array, or a JSON object or array (RSL4a).");
        }

        return token.ToString(Formatting.None);
    }

    /// <summary>
    /// RSL6: reads JSON <paramref name="text"/> into <paramref name="tree"/> (dates stay strings, numbers with a fraction
    /// are doubles). Returns null, or why the text is not one JSON value.
    /// </summary>
    public static string? Parse(string text, out object? tree)
    {
        tree = null;
        try
        {
            using var reader = new JsonTextReader(new StringReader(text))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
            };
            var token = JToken.ReadFrom(reader);
            if (reader.Read())
            {
                return "the data has content after the JSON value";
            }

            tree = token;
            return null;
        }
        catch (JsonException)
        {
            return "the data is not valid JSON";
        }
    }
}
