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
    private static readonly HashSet<string> Derivable = new(StringComparer.Ordinal) { "id", "connectionId", "timestamp" };

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
                if (!Derivable.Contains(property.Name) || !IsDerived(property, index, frameId, connectionId, timestamp))
                {
                    // JProperty copies a value that already has a parent (the stored message); strings are shared.
                    wire.Add(new JProperty(property.Name, property.Value));
                }
            }

            array.Add(wire);
        }

        return array;
    }

    private static bool IsDerived(JProperty property, int index, string? frameId, string? connectionId, long timestamp) => property.Name switch
    {
        "id" => frameId is not null && property.Value.Type == JTokenType.String
            && (string?)property.Value == string.Create(CultureInfo.InvariantCulture, $"{frameId}:{index}"),
        "connectionId" => connectionId is not null && property.Value.Type == JTokenType.String && (string?)property.Value == connectionId,
        "timestamp" => property.Value.Type == JTokenType.Integer && (long)property.Value == timestamp,
        _ => false,
    };
}
