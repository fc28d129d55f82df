using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization;

/// <summary>
/// Fields of REST replies that have no typed reader of their own, read with the reply's codec (JSON or msgpack) so that
/// the JSON tree stays here. Each reader throws the codec's <see cref="AblyException"/> for a body it cannot read.
/// </summary>
internal static class ReplyFields
{
    /// <summary>The string field <paramref name="name"/> of a reply object; null when the reply is not an object or the field is not a string.</summary>
    public static string? String(IProtocolCodec codec, ReadOnlyMemory<byte> body, string name) =>
        codec.ReadTree(body) is JObject obj && obj[name] is { Type: JTokenType.String } value ? (string?)value : null;

    /// <summary>
    /// The array field <paramref name="name"/> of a reply object, each item as a string (null for an item that is not
    /// one); null when the reply is not an object or the field is not an array.
    /// </summary>
    public static string?[]? Strings(IProtocolCodec codec, ReadOnlyMemory<byte> body, string name) =>
        codec.ReadTree(body) is JObject obj && obj[name] is JArray items
            ? items.Select(item => item.Type == JTokenType.String ? (string?)item : null).ToArray()
            : null;
}
