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

    // The fields every frame may carry are fields of their own; those only AUTH, CONNECTED, ERROR, ATTACH/ATTACHED and
    // ANNOTATION frames carry share one object, created when the first of them is set, so that the frames that arrive by
    // the thousand (MESSAGE, ACK) are smaller. The optional numbers are stored without Nullable's padding, their
    // presence in _has.
    private Uncommon? _uncommon;
    private long _msgSerial;
    private long _timestamp;
    private int _count;
    private ProtocolFlags _flags;
    private Present _has;

    [Flags]
    private enum Present : byte
    {
        None = 0,
        MsgSerial = 1,
        Timestamp = 2,
        Count = 4,
        Flags = 8,
    }

    /// <summary>The action. Unknown numbers survive decoding as an undefined enum value (RTF1).</summary>
    public ProtocolAction Action { get; set; }

    public string? Id { get; set; }

    /// <summary>AUTH only: <c>{accessToken}</c>.</summary>
    public AuthDetails? Auth
    {
        get => _uncommon?.Auth;
        set => SetUncommon(value)?.Auth = value;
    }

    public string? Channel { get; set; }

    /// <summary>Opaque channel position (RTL15b); during SYNC, <c>syncId:cursor</c> (RTP18).</summary>
    public string? ChannelSerial { get; set; }

    public string? ConnectionId { get; set; }

    /// <summary>Deprecated top-level copy of <see cref="ConnectionDetails.ConnectionKey"/>.</summary>
    public string? ConnectionKey
    {
        get => _uncommon?.ConnectionKey;
        set => SetUncommon(value)?.ConnectionKey = value;
    }

    public ConnectionDetails? ConnectionDetails
    {
        get => _uncommon?.ConnectionDetails;
        set => SetUncommon(value)?.ConnectionDetails = value;
    }

    /// <summary>ACK/NACK: how many serials from <see cref="MsgSerial"/> are acknowledged.</summary>
    public int? Count
    {
        get => (_has & Present.Count) != 0 ? _count : null;
        set => _count = Set(Present.Count, value);
    }

    public ErrorInfo? Error
    {
        get => _uncommon?.Error;
        set => SetUncommon(value)?.Error = value;
    }

    public ProtocolFlags? Flags
    {
        get => (_has & Present.Flags) != 0 ? _flags : null;
        set => _flags = Set(Present.Flags, value);
    }

    public long? MsgSerial
    {
        get => (_has & Present.MsgSerial) != 0 ? _msgSerial : null;
        set => _msgSerial = Set(Present.MsgSerial, value);
    }

    public Message[]? Messages { get; set; }

    public PresenceMessage[]? Presence { get; set; }

    /// <summary>
    /// The annotations of an ANNOTATION frame (RTAN1c, RTAN4b, TAN2) as they stand on the wire: their data still encoded (RSL4),
    /// decoded by the channel before delivery (RSL6). LiveObjects <c>state</c> (TR4r) has no field: the client implements
    /// no objects, and its codecs skip it.
    /// </summary>
    public Annotation[]? Annotations
    {
        get => _uncommon?.Annotations;
        set => SetUncommon(value)?.Annotations = value;
    }

    /// <summary>Server send time in ms since the epoch (TM2f, TP3g).</summary>
    public long? Timestamp
    {
        get => (_has & Present.Timestamp) != 0 ? _timestamp : null;
        set => _timestamp = Set(Present.Timestamp, value);
    }

    public IReadOnlyDictionary<string, string>? Params
    {
        get => _uncommon?.Params;
        set => SetUncommon(value)?.Params = value;
    }

    /// <summary>ACK results: one entry per acknowledged ProtocolMessage, in msgSerial order.</summary>
    public PublishResult[]? Res { get; set; }

    public bool HasFlag(ProtocolFlags flag) => Flags is { } f && (f & flag) == flag;

    public override string ToString() =>
        $"{Action}{(Channel is null ? string.Empty : " " + Channel)}{(MsgSerial is null ? string.Empty : " #" + MsgSerial)}";

    /// <summary>The object of the uncommon fields, created for a non-null value; null when there is none and none is needed.</summary>
    private Uncommon? SetUncommon(object? value) => value is null ? _uncommon : _uncommon ??= new Uncommon();

    private T Set<T>(Present bit, T? value)
        where T : struct
    {
        _has = value is null ? _has & ~bit : _has | bit;
        return value.GetValueOrDefault();
    }

    /// <summary>The fields only some rare frames carry.</summary>
    private sealed class Uncommon
    {
        public AuthDetails? Auth;
        public string? ConnectionKey;
        public ConnectionDetails? ConnectionDetails;
        public ErrorInfo? Error;
        public IReadOnlyDictionary<string, string>? Params;
        public Annotation[]? Annotations;
    }
}

/// <summary>The AUTH payload (RTC8).</summary>
internal sealed class AuthDetails
{
    public string? AccessToken { get; set; }
}
