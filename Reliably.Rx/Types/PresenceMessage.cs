using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// A presence event or member (TP2, TP3), immutable: derive variations with <c>with</c>. One instance per received
/// event is shared by every subscriber and never changed after delivery; treat a byte array or JSON tree in
/// <see cref="Data"/> or <see cref="Extras"/> as read-only.
/// </summary>
public sealed record PresenceMessage
{
    // Completed by the client on an instance it owns before delivery: the TP3 fill and the decoding (RSL6).
    private string? _id;
    private object? _data;
    private string? _encoding;
    private string? _connectionId;
    private DateTimeOffset? _timestamp;

    /// <summary>Creates an empty presence message.</summary>
    public PresenceMessage()
    {
    }

    /// <summary>Creates a presence message.</summary>
    public PresenceMessage(PresenceAction action, string? clientId, object? data = null)
    {
        Action = action;
        ClientId = clientId;
        _data = data;
    }

    /// <summary>The unique id, <c>connectionId:msgSerial:index</c> for non-synthesized events.</summary>
    public string? Id { get => _id; init => _id = value; }

    /// <summary>The action.</summary>
    public PresenceAction Action { get; init; }

    /// <summary>The member's clientId.</summary>
    public string? ClientId { get; init; }

    /// <summary>The member's connectionId.</summary>
    public string? ConnectionId { get => _connectionId; init => _connectionId = value; }

    /// <summary>The member's data: string, byte[], JSON or null.</summary>
    public object? Data { get => _data; init => _data = value; }

    /// <summary>The encoding steps still applied to <see cref="Data"/>.</summary>
    public string? Encoding { get => _encoding; init => _encoding = value; }

    /// <summary>Extras as JSON.</summary>
    public JObject? Extras { get; init; }

    /// <summary>When the event happened (TP3g).</summary>
    public DateTimeOffset? Timestamp { get => _timestamp; init => _timestamp = value; }

    /// <summary>The key of the member in the presence set: connectionId and clientId (TP3h).</summary>
    public string MemberKey => $"{ConnectionId}:{ClientId}";

    /// <summary>
    /// True when this is a leave the server synthesized (its id does not start with its connectionId); such
    /// messages are compared by timestamp (RTP2b1).
    /// </summary>
    public bool IsSynthesized => Id is null || ConnectionId is null || !Id.StartsWith(ConnectionId, StringComparison.Ordinal);

    /// <summary>
    /// What this presence message counts against maxMessageSize (TP5, TO3l8): as a message does (TM6), the UTF-8 bytes of
    /// clientId, data and the JSON of extras; JSON data counts the bytes of its JSON text, binary data its length. It is
    /// measured as the message stands: on an encrypted channel the client checks the size of the ciphertext it sends.
    /// </summary>
    public long Size => Message.Measure(name: null, ClientId, Extras, Data, Encoding);

    /// <summary>The data as <typeparamref name="T"/>; see <see cref="Message.DataAs{T}"/>.</summary>
    public T? DataAs<T>() => MessageData.As<T>(Data);

    /// <summary>A received message as the codec read it (it completes it before delivery).</summary>
    internal static PresenceMessage FromWire(string? id, PresenceAction action, string? clientId, string? connectionId, object? data, string? encoding, JObject? extras, DateTimeOffset? timestamp) => new()
    {
        Id = id,
        Action = action,
        ClientId = clientId,
        ConnectionId = connectionId,
        Data = data,
        Encoding = encoding,
        Extras = extras,
        Timestamp = timestamp,
    };

    /// <inheritdoc />
    public override string ToString() => $"PresenceMessage {{ Action = {Action}, ClientId = {ClientId}, ConnectionId = {ConnectionId}, Id = {Id} }}";

    /// <summary>TP3: fills what the member lacks from its ProtocolMessage. Only on an instance not yet delivered.</summary>
    internal void FillFromProtocolMessage(string? frameId, int index, string? connectionId, long? timestamp) =>
        ProtocolMessageFill.Fill(ref _id, ref _connectionId, ref _timestamp, frameId, index, connectionId, timestamp);

    /// <summary>Replaces the payload with its (de/en)coded form. Only on an instance the client owns and has not delivered.</summary>
    internal void SetPayload(object? data, string? encoding)
    {
        _data = data;
        _encoding = encoding;
    }
}
