using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The presence messages and frames the presence specs build (uts/realtime/unit/presence): a <c>PresenceMessage(...)</c>
/// for the map specs, and the PRESENCE, SYNC and ATTACHED frames a scripted server sends.
/// </summary>
public static class PresenceFixtures
{
    /// <summary>ATTACHED flag HAS_PRESENCE (TR3a): a SYNC follows.</summary>
    public const int HasPresence = 1;

    /// <summary>ATTACHED flag RESUMED (TR3c).</summary>
    public const int Resumed = 4;

    /// <summary>ATTACHED mode flag PRESENCE (TR3q).</summary>
    public const int PresenceMode = 1 << 16;

    /// <summary><c>PresenceMessage(action, clientId, connectionId, id, timestamp, data)</c> as the map specs write it (timestamp in ms).</summary>
    public static PresenceMessage Message(PresenceAction action, string clientId, string connectionId, string id, long timestamp, object? data = null) => new()
    {
        Action = action,
        ClientId = clientId,
        ConnectionId = connectionId,
        Id = id,
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp),
        Data = data,
    };

    /// <summary>A presence member on the wire (TP3), for PRESENCE and SYNC frames.</summary>
    public static JObject Member(PresenceAction action, string clientId, string connectionId, string id, long timestamp, string? data = null)
    {
        var member = new JObject
        {
            ["action"] = (int)action,
            ["clientId"] = clientId,
            ["connectionId"] = connectionId,
            ["id"] = id,
            ["timestamp"] = timestamp,
        };
        if (data is not null)
        {
            member["data"] = data;
        }

        return member;
    }

    /// <summary>A PRESENCE frame carrying <paramref name="members"/>.</summary>
    public static ProtocolFrame PresenceEvents(string channel, params JObject[] members) => PresenceFrame(ProtocolAction.Presence, channel, null, null, members);

    /// <summary>A PRESENCE frame whose ProtocolMessage carries a connectionId too (a server echo of this client's own presence).</summary>
    public static ProtocolFrame PresenceFrom(string channel, string connectionId, params JObject[] members) =>
        PresenceFrame(ProtocolAction.Presence, channel, null, connectionId, members);

    /// <summary>A SYNC frame: <paramref name="channelSerial"/> is <c>syncId:cursor</c> (RTP18), the cursor empty on the last page.</summary>
    public static ProtocolFrame Sync(string channel, string? channelSerial, params JObject[] members) => PresenceFrame(ProtocolAction.Sync, channel, channelSerial, null, members);

    /// <summary>ATTACHED with flags (HAS_PRESENCE, RESUMED, modes).</summary>
    public static ProtocolFrame Attached(string channel, int flags = 0) => ProtocolFrame.Attached(channel, flags: flags);

    /// <summary>The presence messages of every PRESENCE frame the client sent, in order.</summary>
    public static IReadOnlyList<ProtocolFrame> PresenceFramesFromClient(this ScriptedAbly server) =>
        server.Events.Where(e => e.Kind == ScriptedEventKind.FrameFromClient && e.Frame!.Action == ProtocolAction.Presence).Select(e => e.Frame!).ToList();

    private static ProtocolFrame PresenceFrame(ProtocolAction action, string channel, string? channelSerial, string? connectionId, JObject[] members)
    {
        var frame = new JObject { ["action"] = (int)action, ["channel"] = channel, ["presence"] = new JArray(members.Cast<object>().ToArray()) };
        if (channelSerial is not null)
        {
            frame["channelSerial"] = channelSerial;
        }

        if (connectionId is not null)
        {
            frame["connectionId"] = connectionId;
        }

        return new ProtocolFrame(frame);
    }
}
