using System.Globalization;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Messages as Ably puts them in a MESSAGE frame: without the fields a client derives from the frame itself (TM2a id =
/// the frame's id and the message's index, TM2c connectionId, TM2f timestamp), which Ably leaves out of each message.
/// History keeps them whole.
/// </summary>
internal static class WireMessages
{
    /// <param name="stored">The stored messages, in frame order (not modified).</param>
    /// <param name="frameId">The frame's id, when it has one (realtime publishes).</param>
    /// <param name="connectionId">The frame's connectionId, when it has one.</param>
    /// <param name="timestamp">The frame's timestamp.</param>
    public static JArray For(IReadOnlyList<JObject> stored, string? frameId, string? connectionId, long timestamp)
    {
        var array = new JArray();
        for (var index = 0; index < stored.Count; index++)
        {
            var message = stored[index];
            var wire = new JObject();
            foreach (var property in message.Properties())
            {
                if (Keeps(property, index, frameId, connectionId, timestamp))
                {
                    // JProperty copies a value that already has a parent (the stored message); strings are shared.
                    wire.Add(new JProperty(property.Name, property.Value));
                }
            }

            array.Add(wire);
        }

        return array;
    }

    /// <summary>Whether the property of the message at <paramref name="index"/> goes on the wire (it is not derivable from the frame).</summary>
    public static bool Keeps(JProperty property, int index, string? frameId, string? connectionId, long timestamp) => property.Name switch
    {
        "id" => !(frameId is not null && property.Value is JValue { Value: string id } && IsIndexedId(id, frameId, index)),
        "connectionId" => !(connectionId is not null && property.Value is JValue { Value: string c } && c == connectionId),
        "timestamp" => !(property.Value.Type == JTokenType.Integer && (long)property.Value == timestamp),
        _ => true,
    };

    /// <summary><c>id == frameId + ":" + index</c>, compared without building the string (this runs per message per publish).</summary>
    private static bool IsIndexedId(string id, string frameId, int index) =>
        id.Length > frameId.Length + 1 && id.StartsWith(frameId, StringComparison.Ordinal) && id[frameId.Length] == ':'
        && int.TryParse(id.AsSpan(frameId.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
        && parsed == index && (id.Length == frameId.Length + 2 || id[frameId.Length + 1] != '0');
}
