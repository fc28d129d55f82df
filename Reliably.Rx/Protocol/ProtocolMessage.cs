namespace Reliably.Rx.Protocol;

/// <summary>
/// One frame of the Ably realtime protocol (TR4). Every field of the wire model is here; absent fields are null.
/// Instances are mutable while being built or decoded and are treated as immutable once handed to the connection loop.
/// </summary>
internal sealed class ProtocolMessage
{
    /// <summary>TO3l8f: what the frame counts against maxMessageSize, the sum over its messages and presence messages.</summary>
    public long Size() =>
        (Messages is { } messages ? PayloadEncoding.MessageSize.Of(messages) : 0) + (Presence is { } presence ? PayloadEncoding.MessageSize.Of(presence) : 0);

    public ProtocolMessage()
    {
    }

    public ProtocolMessage(ProtocolAction action, string? channel = null)
    {
        Action = action;
        Channel = channel;
    }

    /// <summary>The action. Unknown numbers survive decoding as an undefined enum value (RTF1).</summary>
    public ProtocolAction Action { get; set; }

    public string? Id { get; set; }

    /// <summary>AUTH only: <c>{accessToken}</c>.</summary>
    public AuthDetails? Auth { get; set; }

    public string? Channel { get; set; }

    /// <summary>Opaque channel position (RTL15b); during SYNC, <c>syncId:cursor</c> (RTP18).</summary>
    public string? ChannelSerial { get; set; }

    public string? ConnectionId { get; set; }

    /// <summary>Deprecated top-level copy of <see cref="ConnectionDetails.ConnectionKey"/>.</summary>
    public string? ConnectionKey { get; set; }

    public ConnectionDetails? ConnectionDetails { get; set; }

    /// <summary>ACK/NACK: how many serials from <see cref="MsgSerial"/> are acknowledged.</summary>
    public int? Count { get; set; }

    public ErrorInfo? Error { get; set; }

    public ProtocolFlags? Flags { get; set; }

    public long? MsgSerial { get; set; }

    public Message[]? Messages { get; set; }

    public PresenceMessage[]? Presence { get; set; }

    /// <summary>
    /// The annotations of an ANNOTATION frame (RTAN1c, RTAN4b, TAN2) as they stand on the wire: their data still encoded (RSL4),
    /// decoded by the channel before delivery (RSL6). LiveObjects <c>state</c> (TR4r) has no field: the client implements
    /// no objects, and its codecs skip it.
    /// </summary>
    public Annotation[]? Annotations { get; set; }

    /// <summary>Server send time in ms since the epoch (TM2f, TP3g).</summary>
    public long? Timestamp { get; set; }

    public IReadOnlyDictionary<string, string>? Params { get; set; }

    /// <summary>ACK results: one entry per acknowledged ProtocolMessage, in msgSerial order.</summary>
    public PublishResult[]? Res { get; set; }

    public bool HasFlag(ProtocolFlags flag) => Flags is { } f && (f & flag) == flag;

    public override string ToString() =>
        $"{Action}{(Channel is null ? string.Empty : " " + Channel)}{(MsgSerial is null ? string.Empty : " #" + MsgSerial)}";
}

/// <summary>The AUTH payload (RTC8).</summary>
internal sealed class AuthDetails
{
    public string? AccessToken { get; set; }
}
