using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>A presence event or member (TP2, TP3).</summary>
public sealed class PresenceMessage
{
    /// <summary>Creates an empty presence message.</summary>
    public PresenceMessage()
    {
    }

    /// <summary>Creates a presence message.</summary>
    public PresenceMessage(PresenceAction action, string? clientId, object? data = null)
    {
        Action = action;
        ClientId = clientId;
        Data = data;
    }

    /// <summary>The unique id, <c>connectionId:msgSerial:index</c> for non-synthesized events.</summary>
    public string? Id { get; set; }

    /// <summary>The action.</summary>
    public PresenceAction Action { get; set; }

    /// <summary>The member's clientId.</summary>
    public string? ClientId { get; set; }

    /// <summary>The member's connectionId.</summary>
    public string? ConnectionId { get; set; }

    /// <summary>The member's data: string, byte[], JSON or null.</summary>
    public object? Data { get; set; }

    /// <summary>The encoding steps still applied to <see cref="Data"/>.</summary>
    public string? Encoding { get; set; }

    /// <summary>Extras as JSON.</summary>
    public JObject? Extras { get; set; }

    /// <summary>When the event happened (TP3g).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The key of the member in the presence set: connectionId and clientId (TP3h).</summary>
    public string MemberKey => $"{ConnectionId}:{ClientId}";

    /// <summary>
    /// True when this is a leave the server synthesized (its id does not start with its connectionId); such
    /// messages are compared by timestamp (RTP2b1).
    /// </summary>
    public bool IsSynthesized => Id is null || ConnectionId is null || !Id.StartsWith(ConnectionId, StringComparison.Ordinal);

    /// <summary>The data as <typeparamref name="T"/>; see <see cref="Message.DataAs{T}"/>.</summary>
    public T? DataAs<T>() => MessageData.As<T>(Data);

    /// <summary>A shallow copy.</summary>
    public PresenceMessage Clone() => (PresenceMessage)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => $"PresenceMessage {{ Action = {Action}, ClientId = {ClientId}, ConnectionId = {ConnectionId}, Id = {Id} }}";
}
