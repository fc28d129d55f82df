using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>Protocol constants and small frame helpers for tests (deliberately not shared with the emulator).</summary>
public static class Frames
{
    public const int Heartbeat = 0, Ack = 1, Nack = 2, Connected = 4, Disconnected = 6, Close = 7, Closed = 8, Error = 9,
        Attach = 10, Attached = 11, Detach = 12, Detached = 13, Presence = 14, Message = 15, Sync = 16, Auth = 17;

    public const int HasPresence = 1, HasBacklog = 2, Resumed = 4;

    public static JObject AttachFrame(string channel, string? channelSerial = null, JObject? parameters = null, int? flags = null)
    {
        var f = new JObject { ["action"] = Attach, ["channel"] = channel };
        if (channelSerial is not null) f["channelSerial"] = channelSerial;
        if (parameters is not null) f["params"] = parameters;
        if (flags is not null) f["flags"] = flags;
        return f;
    }

    public static JObject Publish(string channel, long msgSerial, params JObject[] messages) =>
        new() { ["action"] = Message, ["channel"] = channel, ["msgSerial"] = msgSerial, ["messages"] = new JArray(messages) };

    public static JObject Msg(string name, JToken? data = null) => new() { ["name"] = name, ["data"] = data ?? "d" };

    public static JObject PresenceFrame(string channel, long msgSerial, params JObject[] items) =>
        new() { ["action"] = Presence, ["channel"] = channel, ["msgSerial"] = msgSerial, ["presence"] = new JArray(items) };

    public static bool Is(this JObject f, int action, string? channel = null) =>
        f.Value<int>("action") == action && (channel is null || f.Value<string>("channel") == channel);
}
