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
    public static JArray For(IReadOnlyList<StoredMessage> stored, string? frameId, string? connectionId, long timestamp)
    {
        var array = new JArray();
        for (var index = 0; index < stored.Count; index++)
        {
            var message = stored[index];
            var wire = message.ToTree();
            if (!KeepsId(message, index, frameId))
            {
                wire.Remove("id");
            }

            if (!KeepsConnectionId(message, connectionId))
            {
                wire.Remove("connectionId");
            }

            if (!KeepsTimestamp(message, timestamp))
            {
                wire.Remove("timestamp");
            }

            array.Add(wire);
        }

        return array;
    }

    /// <summary>Whether the message's id goes on the wire: not when it is the frame's id and the message's index (TM2a).</summary>
    public static bool KeepsId(StoredMessage message, int index, string? frameId) =>
        message.Id is { } id && !(frameId is not null && IsIndexedId(id, frameId, index));

    /// <summary>Whether the message's connectionId goes on the wire: not when it is the frame's (TM2c).</summary>
    public static bool KeepsConnectionId(StoredMessage message, string? connectionId) =>
        message.ConnectionId is { } c && !(connectionId is not null && c == connectionId);

    /// <summary>Whether the message's timestamp goes on the wire: not when it is the frame's (TM2f).</summary>
    public static bool KeepsTimestamp(StoredMessage message, long timestamp) =>
        message.Timestamp is { } t && t != timestamp;

    /// <summary><c>id == frameId + ":" + index</c>, compared without building the string (this runs per message per publish).</summary>
    private static bool IsIndexedId(string id, string frameId, int index) =>
        id.Length > frameId.Length + 1 && id.StartsWith(frameId, StringComparison.Ordinal) && id[frameId.Length] == ':'
        && int.TryParse(id.AsSpan(frameId.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
        && parsed == index && (id.Length == frameId.Length + 2 || id[frameId.Length + 1] != '0');
}
