using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// An annotation of a published message (TAN1, TAN2): a reaction, a receipt, a flag... that the server rolls up into
/// the message's summary by its <see cref="Type"/> (for example <c>reaction:distinct.v1</c>), immutable. To publish one,
/// set at least <see cref="Type"/> (RSAN1a3); the client sets <see cref="Action"/> and <see cref="MessageSerial"/>.
/// </summary>
/// <remarks>
/// One instance per received annotation is shared by every subscriber; a byte array or JSON tree in <see cref="Data"/>
/// or <see cref="Extras"/> is shared too: read it, do not modify it.
/// </remarks>
public sealed record Annotation
{
    /// <summary>The unique id (TAN2a): assigned by the client for idempotent REST publishing (RSAN1c4), or by the server.</summary>
    public string? Id { get; init; }

    /// <summary>Whether this adds to or removes from the message's summary (TAN2b).</summary>
    public AnnotationAction Action { get; init; }

    /// <summary>The clientId of the publisher (TAN2c).</summary>
    public string? ClientId { get; init; }

    /// <summary>The annotation's name, for example the emoji of a reaction (TAN2d); how it counts depends on the type.</summary>
    public string? Name { get; init; }

    /// <summary>How many this annotation counts for, for types that add counts such as <c>multiple.v1</c> (TAN2e).</summary>
    public int? Count { get; init; }

    /// <summary>The payload (TAN2f): a string, a byte array or JSON, encoded and decoded as a message's is (RSL4, RSL6).</summary>
    public object? Data { get; init; }

    /// <summary>The encoding steps still applied to <see cref="Data"/> (TAN2g).</summary>
    public string? Encoding { get; init; }

    /// <summary>When the server received the annotation (TAN2h).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The annotation's serial, assigned by the server (TAN2i).</summary>
    public string? Serial { get; init; }

    /// <summary>The serial of the message this annotates (TAN2j).</summary>
    public string? MessageSerial { get; init; }

    /// <summary>
    /// The annotation type (TAN2k), opaque to the client: the server aggregates by it, the part after the colon naming
    /// the aggregation (<c>distinct.v1</c>, <c>unique.v1</c>, <c>multiple.v1</c>, <c>flag.v1</c>, <c>total.v1</c>).
    /// </summary>
    public string? Type { get; init; }

    /// <summary>Arbitrary JSON metadata (TAN2l).</summary>
    public JObject? Extras { get; init; }

    /// <summary>The data as <typeparamref name="T"/>, as <see cref="Message.DataAs{T}"/> converts it.</summary>
    public T? DataAs<T>() => MessageData.As<T>(Data);

    /// <summary>RSAN1a4: the TO3l8 size of the annotation, measured as a message's (name, clientId, data, extras; TM6).</summary>
    internal long Size => Message.Measure(Name, ClientId, Extras, Data, Encoding);

    /// <inheritdoc />
    public override string ToString() =>
        $"Annotation {{ Action = {Action}, Type = {Type}, Name = {Name}, ClientId = {ClientId}, MessageSerial = {MessageSerial}, Serial = {Serial} }}";
}
