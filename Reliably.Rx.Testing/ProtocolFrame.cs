using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing;

/// <summary>
/// One realtime ProtocolMessage as a test sees it on the wire: a JSON tree (msgpack frames are read into the same tree,
/// binary values as <see cref="JTokenType.Bytes"/>). Decoded and encoded by the server-side codec, which shares no code
/// with the client's, so a scripted test checks the client's real encoding.
/// </summary>
/// <remarks>The factory methods give the frames a server commonly sends; <see cref="Parse"/> takes any other.</remarks>
public sealed class ProtocolFrame
{
    /// <summary>Wraps a ProtocolMessage tree (not copied: do not change it once sent).</summary>
    /// <param name="json">The ProtocolMessage, with at least an <c>action</c>.</param>
    public ProtocolFrame(JObject json)
    {
        Json = json ?? throw new ArgumentNullException(nameof(json));
    }

    /// <summary>The ProtocolMessage as a JSON tree.</summary>
    public JObject Json { get; }

    /// <summary>The action, or -1 when missing.</summary>
    public ProtocolAction Action => (ProtocolAction)(Json["action"]?.Type == JTokenType.Integer ? Json.Value<int>("action") : -1);

    /// <summary>The channel name, for channel-scoped actions.</summary>
    public string? Channel => Json.Value<string?>("channel");

    /// <summary>The msgSerial of a MESSAGE or PRESENCE from the client, or of an ACK/NACK.</summary>
    public long? MsgSerial => Json.Value<long?>("msgSerial");

    /// <summary>The count of an ACK/NACK.</summary>
    public int? Count => Json.Value<int?>("count");

    /// <summary>The id (a ping's id, a message frame's id).</summary>
    public string? Id => Json.Value<string?>("id");

    /// <summary>The channelSerial (of an ATTACH, ATTACHED, MESSAGE).</summary>
    public string? ChannelSerial => Json.Value<string?>("channelSerial");

    /// <summary>The flags bit field.</summary>
    public int? Flags => Json.Value<int?>("flags");

    /// <summary>The error, as <c>{code, statusCode, message}</c>.</summary>
    public JObject? Error => Json["error"] as JObject;

    /// <summary>The messages of a MESSAGE frame.</summary>
    public IReadOnlyList<JObject> Messages => (Json["messages"] as JArray)?.OfType<JObject>().ToList() ?? [];

    /// <summary>The presence messages of a PRESENCE or SYNC frame.</summary>
    public IReadOnlyList<JObject> Presence => (Json["presence"] as JArray)?.OfType<JObject>().ToList() ?? [];

    /// <summary>Parses a ProtocolMessage written as JSON text.</summary>
    /// <param name="json">For example <c>{"action":11,"channel":"chat","flags":0}</c>.</param>
    public static ProtocolFrame Parse(string json) =>
        new(JsonTree.Read(json) as JObject ?? throw new ArgumentException("A ProtocolMessage is a JSON object.", nameof(json)));

    /// <summary>Reads a frame as it travels: UTF-8 JSON for a text frame, msgpack for a binary one.</summary>
    /// <param name="frame">The frame's bytes.</param>
    /// <param name="kind">The frame's kind.</param>
    /// <exception cref="FormatException">The bytes are not a ProtocolMessage.</exception>
    public static ProtocolFrame Decode(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        try
        {
            return new ProtocolFrame(WireCodec.Decode(frame, Format(kind)) as JObject ?? throw new FormatException("A ProtocolMessage is a map."));
        }
        catch (Emulator.Internal.Protocol.AblyException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>Encodes the frame as the server would send it: UTF-8 JSON (binary as base64) or msgpack.</summary>
    /// <param name="kind">The connection's frame kind.</param>
    public byte[] Encode(TransportFrameKind kind) => new OutgoingFrame(Json).GetBytes(Format(kind));

    /// <summary>The frame as compact JSON.</summary>
    public override string ToString() => Json.ToString(Formatting.None);

    // ---- frames a server commonly sends ----

    /// <summary>CONNECTED with an id, a key and connectionDetails (RTN21).</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="connectionKey">The connection key (used to resume, RTN15c).</param>
    /// <param name="connectionStateTtl">connectionDetails.connectionStateTtl.</param>
    /// <param name="maxIdleInterval">connectionDetails.maxIdleInterval.</param>
    /// <param name="clientId">connectionDetails.clientId.</param>
    /// <param name="error">An error, as in a CONNECTED after a failed resume (RTN15c7).</param>
    public static ProtocolFrame Connected(
        string connectionId = "test-connection-id",
        string connectionKey = "test-connection-key",
        TimeSpan? connectionStateTtl = null,
        TimeSpan? maxIdleInterval = null,
        string? clientId = null,
        ErrorInfo? error = null)
    {
        var details = new JObject
        {
            ["connectionKey"] = connectionKey,
            ["connectionStateTtl"] = (long)(connectionStateTtl ?? TimeSpan.FromSeconds(120)).TotalMilliseconds,
            ["maxIdleInterval"] = (long)(maxIdleInterval ?? TimeSpan.FromSeconds(15)).TotalMilliseconds,
            ["maxMessageSize"] = 65536,
            ["serverId"] = "test-server",
        };
        if (clientId is not null)
        {
            details["clientId"] = clientId;
        }

        var frame = new JObject
        {
            ["action"] = (int)ProtocolAction.Connected,
            ["connectionId"] = connectionId,
            ["connectionKey"] = connectionKey,
            ["connectionDetails"] = details,
        };
        return WithError(frame, error);
    }

    /// <summary>DISCONNECTED, by default with 80003 (RTN15h).</summary>
    /// <param name="error">The reason.</param>
    public static ProtocolFrame Disconnected(ErrorInfo? error = null) =>
        WithError(new JObject { ["action"] = (int)ProtocolAction.Disconnected }, error ?? new ErrorInfo(80003, 400, "Connection disconnected"));

    /// <summary>ERROR: a fatal connection error, or a channel error when <paramref name="channel"/> is given.</summary>
    /// <param name="error">The error.</param>
    /// <param name="channel">The channel, for a channel error (RTL14).</param>
    public static ProtocolFrame ErrorFrame(ErrorInfo error, string? channel = null)
    {
        var frame = new JObject { ["action"] = (int)ProtocolAction.Error };
        if (channel is not null)
        {
            frame["channel"] = channel;
        }

        return WithError(frame, error);
    }

    /// <summary>CLOSED.</summary>
    public static ProtocolFrame Closed() => new(new JObject { ["action"] = (int)ProtocolAction.Closed });

    /// <summary>HEARTBEAT, answering a ping when <paramref name="id"/> is given (RTN13).</summary>
    /// <param name="id">The ping's id.</param>
    public static ProtocolFrame Heartbeat(string? id = null)
    {
        var frame = new JObject { ["action"] = (int)ProtocolAction.Heartbeat };
        if (id is not null)
        {
            frame["id"] = id;
        }

        return new ProtocolFrame(frame);
    }

    /// <summary>ATTACHED (RTL4).</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="channelSerial">The attach serial.</param>
    /// <param name="flags">RESUMED (4), HAS_PRESENCE (1), HAS_BACKLOG (2) and the granted modes.</param>
    /// <param name="error">An error, as in an ATTACHED that could not resume (RTL18).</param>
    public static ProtocolFrame Attached(string channel, string? channelSerial = null, int flags = 0, ErrorInfo? error = null)
    {
        var frame = new JObject { ["action"] = (int)ProtocolAction.Attached, ["channel"] = channel, ["flags"] = flags };
        if (channelSerial is not null)
        {
            frame["channelSerial"] = channelSerial;
        }

        return WithError(frame, error);
    }

    /// <summary>DETACHED: the answer to a DETACH, or unsolicited with an error (RTL13).</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="error">The reason of an unsolicited DETACHED.</param>
    public static ProtocolFrame Detached(string channel, ErrorInfo? error = null) =>
        WithError(new JObject { ["action"] = (int)ProtocolAction.Detached, ["channel"] = channel }, error);

    /// <summary>ACK of <paramref name="count"/> publishes from <paramref name="msgSerial"/> (RTN7a).</summary>
    /// <param name="msgSerial">The first acknowledged msgSerial.</param>
    /// <param name="count">How many.</param>
    public static ProtocolFrame Ack(long msgSerial, int count = 1) =>
        new(new JObject { ["action"] = (int)ProtocolAction.Ack, ["msgSerial"] = msgSerial, ["count"] = count });

    /// <summary>NACK of <paramref name="count"/> publishes from <paramref name="msgSerial"/> (RTN7a).</summary>
    /// <param name="msgSerial">The first refused msgSerial.</param>
    /// <param name="count">How many.</param>
    /// <param name="error">Why.</param>
    public static ProtocolFrame Nack(long msgSerial, int count = 1, ErrorInfo? error = null) =>
        WithError(new JObject { ["action"] = (int)ProtocolAction.Nack, ["msgSerial"] = msgSerial, ["count"] = count }, error ?? new ErrorInfo(50000, 500, "Refused"));

    /// <summary>MESSAGE with messages of a name and a string payload each, and a channelSerial.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="channelSerial">The frame's channelSerial (RTL15b).</param>
    /// <param name="messages">Each message's name and data.</param>
    public static ProtocolFrame Message(string channel, string? channelSerial, params (string? Name, string? Data)[] messages)
    {
        var frame = new JObject
        {
            ["action"] = (int)ProtocolAction.Message,
            ["channel"] = channel,
            ["messages"] = new JArray(messages.Select((m, i) => new JObject
            {
                ["id"] = "msg-" + (channelSerial ?? "x") + ":" + i.ToString(CultureInfo.InvariantCulture),
                ["name"] = m.Name,
                ["data"] = m.Data,
            })),
        };
        if (channelSerial is not null)
        {
            frame["channelSerial"] = channelSerial;
        }

        return new ProtocolFrame(frame);
    }

    private static ProtocolFrame WithError(JObject frame, ErrorInfo? error)
    {
        if (error is not null)
        {
            frame["error"] = new JObject
            {
                ["code"] = error.Code,
                ["statusCode"] = error.StatusCode,
                ["message"] = error.Message,
            };
        }

        return new ProtocolFrame(frame);
    }

    private static WireFormat Format(TransportFrameKind kind) => kind == TransportFrameKind.Binary ? WireFormat.MsgPack : WireFormat.Json;
}
