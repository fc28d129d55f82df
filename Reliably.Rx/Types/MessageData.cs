using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// Helpers for typed message data: publish a POCO as JSON with <see cref="Json(object?, JsonSerializer?)"/> and read it
/// back with <see cref="Message.DataAs{T}"/>, without touching JSON trees.
/// </summary>
public static class MessageData
{
    private static readonly JsonSerializer DefaultSerializer = JsonSerializer.CreateDefault(new JsonSerializerSettings
    {
        DateParseHandling = DateParseHandling.None,
    });

    /// <summary>Wraps an object as JSON data (published with the <c>json</c> encoding).</summary>
    public static JToken Json(object? value, JsonSerializer? serializer = null) =>
        value is null ? JValue.CreateNull() : JToken.FromObject(value, serializer ?? DefaultSerializer);

    /// <summary>Converts decoded data to <typeparamref name="T"/>.</summary>
    /// <exception cref="AblyException">40013 when the data cannot be converted.</exception>
    public static T? As<T>(object? data, JsonSerializer? serializer = null)
    {
        try
        {
            switch (data)
            {
                case null:
                    return default;
                case T typed:
                    return typed;
                case JToken token:
                    return token.ToObject<T>(serializer ?? DefaultSerializer);
                case string text when typeof(T) != typeof(string):
                    // A string that holds JSON (sent without the json encoding) is parsed on request.
                    return JToken.Parse(text).ToObject<T>(serializer ?? DefaultSerializer);
                default:
                    return JToken.FromObject(data, serializer ?? DefaultSerializer).ToObject<T>(serializer ?? DefaultSerializer);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidCastException or FormatException or ArgumentException)
        {
            throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                $"Message data of type {data?.GetType().Name ?? "null"} cannot be read as {typeof(T).Name}.", ex);
        }
    }

    /// <summary>A short description of data for diagnostics that never prints the payload itself.</summary>
    internal static string Describe(object? data) => data switch
    {
        null => "null",
        string s => $"string({s.Length})",
        byte[] b => $"binary({b.Length})",
        JToken t => $"json({t.Type})",
        _ => data.GetType().Name,
    };
}
