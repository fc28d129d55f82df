using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// A message on a channel (TM2). <see cref="Data"/> is a <see cref="string"/>, a <see cref="byte"/> array, or JSON
/// (a <see cref="JToken"/>, or any object that is serialized as JSON when published). Received messages are decoded
/// before delivery; if a step could not be undone, the rest is left in <see cref="Encoding"/> (RSL6b).
/// </summary>
public sealed class Message
{
    /// <summary>Creates an empty message.</summary>
    public Message()
    {
    }

    /// <summary>Creates a message with a name and data.</summary>
    public Message(string? name, object? data)
    {
        Name = name;
        Data = data;
    }

    /// <summary>The unique id (TM2a). Assigned by the client for idempotent publishing, or by the server.</summary>
    public string? Id { get; set; }

    /// <summary>The event name.</summary>
    public string? Name { get; set; }

    /// <summary>The payload: string, byte[], JSON (JToken or any serializable object), or null.</summary>
    public object? Data { get; set; }

    /// <summary>The encoding steps still applied to <see cref="Data"/>, joined with '/' (RSL4, RSL6).</summary>
    public string? Encoding { get; set; }

    /// <summary>The clientId of the publisher.</summary>
    public string? ClientId { get; set; }

    /// <summary>The connectionId of the publisher (TM2c).</summary>
    public string? ConnectionId { get; set; }

    /// <summary>Set only when publishing on behalf of another connection.</summary>
    public string? ConnectionKey { get; set; }

    /// <summary>When the server received the message (TM2f).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>Extras: push, headers, ref, delta, ephemeral... as JSON.</summary>
    public JObject? Extras { get; set; }

    /// <summary>The message action (TM5); null when the server did not send one.</summary>
    public MessageAction? Action { get; set; }

    /// <summary>The server-assigned serial: an opaque, ordered position on the channel.</summary>
    public string? Serial { get; set; }

    /// <summary>The version of the message (TM2s).</summary>
    public MessageVersion? Version { get; set; }

    /// <summary>Annotations summary, as JSON.</summary>
    public JObject? Annotations { get; set; }

    /// <summary>
    /// The data as <typeparamref name="T"/>: a string or byte array as it is, JSON converted to the requested type.
    /// Throws <see cref="AblyException"/> (40013) when the data cannot be converted.
    /// </summary>
    public T? DataAs<T>() => MessageData.As<T>(Data);

    /// <summary>A shallow copy; the encoder works on copies so user objects are never changed by publishing.</summary>
    public Message Clone() => (Message)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => $"Message {{ Id = {Id}, Name = {Name}, Encoding = {Encoding}, Data = {MessageData.Describe(Data)} }}";
}
