using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// A message on a channel (TM2), immutable: build one to publish with an object initializer or the constructor, and
/// derive variations with <c>with</c>. <see cref="Data"/> is a <see cref="string"/>, a <see cref="byte"/> array, or
/// JSON (a <see cref="JToken"/>, or any object that is serialized as JSON when published). Received messages are
/// decoded before delivery; if a step could not be undone, the rest is left in <see cref="Encoding"/> (RSL6b).
/// </summary>
/// <remarks>
/// One instance per received message is shared by every subscriber, and the client never changes it after delivery.
/// A byte array or JSON tree in <see cref="Data"/> or <see cref="Extras"/> is shared too: read it, do not modify it
/// (<see cref="DataAs{T}"/> gives each caller an object of its own).
/// </remarks>
public sealed partial record Message
{
    // The fields the client completes on a message it owns, before anyone else can see it: the TM2a/TM2c/TM2f fill of a
    // received message, its decoding (RSL6), and the idempotent ids of an encoded copy it is about to publish (RSL1k1).
    private string? _id;
    private object? _data;
    private string? _encoding;
    private string? _connectionId;
    private DateTimeOffset? _timestamp;
    private MessageVersion? _version;
    private MessageAnnotations? _annotations;

    /// <summary>Creates an empty message.</summary>
    public Message()
    {
    }

    /// <summary>Creates a message with a name and data.</summary>
    public Message(string? name, object? data)
    {
        Name = name;
        _data = data;
    }

    /// <summary>The unique id (TM2a). Assigned by the client for idempotent publishing, or by the server.</summary>
    public string? Id { get => _id; init => _id = value; }

    /// <summary>The event name.</summary>
    public string? Name { get; init; }

    /// <summary>The payload: string, byte[], JSON (JToken or any serializable object), or null.</summary>
    public object? Data { get => _data; init => _data = value; }

    /// <summary>The encoding steps still applied to <see cref="Data"/>, joined with '/' (RSL4, RSL6).</summary>
    public string? Encoding { get => _encoding; init => _encoding = value; }

    /// <summary>The clientId of the publisher.</summary>
    public string? ClientId { get; init; }

    /// <summary>The connectionId of the publisher (TM2c).</summary>
    public string? ConnectionId { get => _connectionId; init => _connectionId = value; }

    /// <summary>Set only when publishing on behalf of another connection.</summary>
    public string? ConnectionKey { get; init; }

    /// <summary>When the server received the message (TM2f).</summary>
    public DateTimeOffset? Timestamp { get => _timestamp; init => _timestamp = value; }

    /// <summary>Extras: push, headers, ref, delta, ephemeral... as JSON.</summary>
    public JObject? Extras { get; init; }

    /// <summary>The message action (TM5); null when the server did not send one.</summary>
    public MessageAction? Action { get; init; }

    /// <summary>The server-assigned serial: an opaque, ordered position on the channel.</summary>
    public string? Serial { get; init; }

    /// <summary>
    /// The latest version of the message (TM2s). A received message always has one: when the wire carries none, or one
    /// without a serial or timestamp, those are the message's own <see cref="Serial"/> (TM2s1) and <see cref="Timestamp"/>
    /// (TM2s2).
    /// </summary>
    public MessageVersion? Version { get => _version; init => _version = value; }

    /// <summary>
    /// What the message's annotations add up to (TM2u): a received message always has one, empty when the wire carried
    /// none; a <see cref="MessageAction.Summary"/> message carries the new summary.
    /// </summary>
    public MessageAnnotations? Annotations { get => _annotations; init => _annotations = value; }

    /// <summary>
    /// The data as <typeparamref name="T"/>: a string or byte array as it is, JSON converted to the requested type.
    /// Throws <see cref="AblyException"/> (40013) when the data cannot be converted.
    /// </summary>
    public T? DataAs<T>() => MessageData.As<T>(Data);

    /// <summary>PC3, RTL20: the id of the message a delta message was computed from (<c>extras.delta.from</c>), or null.</summary>
    internal string? DeltaFrom => Extras?["delta"]?["from"]?.ToString();

    /// <summary>
    /// RTL32: this message with an append's <paramref name="fragment"/> joined to it, as an update: the fragment's data
    /// follows this data (a string to a string, bytes to bytes; otherwise the fragment's replaces it), and its name,
    /// extras and encoding, when it has them, and its version replace this message's.
    /// </summary>
    internal Message Appended(Message fragment) => this with
    {
        Action = MessageAction.Update,
        Name = fragment.Name ?? Name,
        Extras = fragment.Extras ?? Extras,
        Data = (Data, fragment.Data) switch
        {
            (_, null) => Data,
            (null, _) => fragment.Data,
            (string a, string b) => a + b,
            (byte[] a, byte[] b) => a.Concat(b).ToArray(),
            _ => fragment.Data,
        },
        Encoding = fragment.Encoding ?? Encoding,
        Version = fragment.Version,
    };

    /// <summary>A received message as the codec read it (it completes it before delivery).</summary>
    internal static Message FromWire(string? id, string? name, object? data, string? encoding, string? clientId, string? connectionId, string? connectionKey, DateTimeOffset? timestamp, JObject? extras, MessageAction? action, string? serial, MessageVersion? version, JObject? annotations) => new()
    {
        Id = id,
        Name = name,
        Data = data,
        Encoding = encoding,
        ClientId = clientId,
        ConnectionId = connectionId,
        ConnectionKey = connectionKey,
        Timestamp = timestamp,
        Extras = extras,
        Action = action,
        Serial = serial,
        Version = version,
        Annotations = annotations is null ? null : MessageAnnotations.FromWire(annotations),
    };

    /// <inheritdoc />
    public override string ToString() => $"Message {{ Id = {Id}, Name = {Name}, Encoding = {Encoding}, Data = {MessageData.Describe(Data)} }}";

    /// <summary>TM2a, TM2c, TM2f: fills what the message lacks from its ProtocolMessage. Only on an instance not yet delivered.</summary>
    internal void FillFromProtocolMessage(string? frameId, int index, string? connectionId, long? timestamp) =>
        ProtocolMessageFill.Fill(ref _id, ref _connectionId, ref _timestamp, frameId, index, connectionId, timestamp);

    /// <summary>
    /// TM2s: a received message always has a version; a version the wire did not carry, or carried without a serial or
    /// timestamp, takes the message's serial (TM2s1) and timestamp (TM2s2), the latter after the TM2f fill. Only on an
    /// instance not yet delivered. The codecs leave this to the receive path so that they stay lossless both ways. TM2u:
    /// it also gives the message its (possibly empty) annotations.
    /// </summary>
    internal void CompleteVersion()
    {
        // TM2u: and always annotations, empty when the wire had none.
        _annotations ??= MessageAnnotations.Empty;

        // One allocation per received message at most: the common case is a message the wire sent without a version.
        _version = _version is not { } version ? new MessageVersion { Serial = Serial, Timestamp = _timestamp }
            : (version.Serial is null && Serial is not null) || (version.Timestamp is null && _timestamp is not null)
                ? version with { Serial = version.Serial ?? Serial, Timestamp = version.Timestamp ?? _timestamp }
                : version;
    }

    /// <summary>Replaces the payload with its (de/en)coded form. Only on an instance the client owns and has not delivered.</summary>
    internal void SetPayload(object? data, string? encoding)
    {
        _data = data;
        _encoding = encoding;
    }

    /// <summary>RSL1k1: gives an encoded copy its client-assigned id, unless it has one.</summary>
    internal void AssignIdIfMissing(string id) => _id ??= id;

    /// <summary>
    /// The reference in <c>extras.ref</c>, as <see cref="MessageFilter"/> reads it (MFI2a-c): null without one or when it
    /// is not a JSON object (its fields cannot be read); a field that is not a string reads as null.
    /// </summary>
    internal (string? Timeserial, string? Type)? Reference() =>
        Extras?["ref"] is JObject reference ? (StringField(reference, "timeserial"), StringField(reference, "type")) : null;

    private static string? StringField(JObject reference, string key) =>
        reference[key] is JValue { Type: JTokenType.String } value ? (string?)value : null;
}
