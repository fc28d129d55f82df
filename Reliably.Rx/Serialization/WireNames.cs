namespace Reliably.Rx.Serialization;

/// <summary>
/// The wire field names (PROTOCOL.md 2.3, 2.5, 3.1, 7.2). Both codecs use these exact strings: JSON property names and
/// msgpack map keys are the same (PROTOCOL.md 2.1). Readers intern incoming names to these instances so a
/// <c>switch</c> on them needs no allocation.
/// </summary>
internal static class WireNames
{
    public const string Action = "action";
    public const string Id = "id";
    public const string Auth = "auth";
    public const string AccessToken = "accessToken";
    public const string Channel = "channel";
    public const string ChannelSerial = "channelSerial";
    public const string ConnectionId = "connectionId";
    public const string ConnectionKey = "connectionKey";
    public const string ConnectionDetails = "connectionDetails";
    public const string Count = "count";
    public const string Error = "error";
    public const string Flags = "flags";
    public const string MsgSerial = "msgSerial";
    public const string Messages = "messages";
    public const string Presence = "presence";
    public const string Annotations = "annotations";
    public const string Timestamp = "timestamp";
    public const string Params = "params";
    public const string Res = "res";
    public const string Serials = "serials";

    public const string Name = "name";
    public const string Data = "data";
    public const string Encoding = "encoding";
    public const string ClientId = "clientId";
    public const string Extras = "extras";
    public const string Serial = "serial";
    public const string Version = "version";
    public const string Description = "description";
    public const string Metadata = "metadata";
    public const string Type = "type";
    public const string MessageSerial = "messageSerial";

    public const string Code = "code";
    public const string StatusCode = "statusCode";
    public const string Message = "message";
    public const string Href = "href";
    public const string Cause = "cause";
    public const string Detail = "detail";
    public const string RequestId = "requestId";

    public const string MaxMessageSize = "maxMessageSize";
    public const string MaxFrameSize = "maxFrameSize";
    public const string MaxInboundRate = "maxInboundRate";
    public const string MaxOutboundRate = "maxOutboundRate";
    public const string ConnectionStateTtl = "connectionStateTtl";
    public const string MaxIdleInterval = "maxIdleInterval";
    public const string ServerId = "serverId";
    public const string SiteCode = "siteCode";
    public const string ObjectsGCGracePeriod = "objectsGCGracePeriod";

    public const string KeyName = "keyName";
    public const string Ttl = "ttl";
    public const string Capability = "capability";
    public const string Nonce = "nonce";
    public const string Mac = "mac";
    public const string Token = "token";
    public const string Issued = "issued";
    public const string Expires = "expires";

    public const string AppId = "appId";
    public const string IntervalId = "intervalId";
    public const string Unit = "unit";
    public const string InProgress = "inProgress";
    public const string Entries = "entries";
    public const string Schema = "schema";

    public const string ChannelId = "channelId";
    public const string Status = "status";
    public const string IsActive = "isActive";
    public const string Occupancy = "occupancy";
    public const string Metrics = "metrics";
    public const string Connections = "connections";
    public const string PresenceConnections = "presenceConnections";
    public const string PresenceMembers = "presenceMembers";
    public const string PresenceSubscribers = "presenceSubscribers";
    public const string Publishers = "publishers";
    public const string Subscribers = "subscribers";
    public const string ObjectPublishers = "objectPublishers";
    public const string ObjectSubscribers = "objectSubscribers";

    /// <summary>Every name above, for the interning tables.</summary>
    public static readonly string[] All =
    {
        Action, Id, Auth, AccessToken, Channel, ChannelSerial, ConnectionId, ConnectionKey, ConnectionDetails, Count,
        Error, Flags, MsgSerial, Messages, Presence, Annotations, Timestamp, Params, Res, Serials,
        Name, Data, Encoding, ClientId, Extras, Serial, Version, Description, Metadata, Type, MessageSerial,
        Code, StatusCode, Message, Href, Cause, Detail, RequestId,
        MaxMessageSize, MaxFrameSize, MaxInboundRate, MaxOutboundRate, ConnectionStateTtl, MaxIdleInterval, ServerId,
        SiteCode, ObjectsGCGracePeriod,
        KeyName, Ttl, Capability, Nonce, Mac, Token, Issued, Expires,
        AppId, IntervalId, Unit, InProgress, Entries, Schema,
        ChannelId, Status, IsActive, Occupancy, Metrics, Connections, PresenceConnections, PresenceMembers,
        PresenceSubscribers, Publishers, Subscribers, ObjectPublishers, ObjectSubscribers,
    };

    /// <summary>The names above by UTF-8 length, for <see cref="Lookup"/>; every name is ASCII and at most 32 bytes.</summary>
    private static readonly (byte[] Utf8, string Name)[]?[] ByLength = BuildTable();

    /// <summary>
    /// The constant above whose UTF-8 form equals <paramref name="utf8"/>, or null for a name the codecs do not know.
    /// Readers dispatch on the returned instance, so a known name costs no allocation.
    /// </summary>
    public static string? Lookup(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length >= ByLength.Length || ByLength[utf8.Length] is not { } bucket)
        {
            return null;
        }

        foreach (var (bytes, name) in bucket)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        return null;
    }

    private static (byte[] Utf8, string Name)[]?[] BuildTable()
    {
        var table = new (byte[] Utf8, string Name)[]?[33];
        foreach (var group in All.Distinct().Select(n => (Utf8: System.Text.Encoding.UTF8.GetBytes(n), Name: n)).GroupBy(k => k.Utf8.Length))
        {
            table[group.Key] = group.ToArray();
        }

        return table;
    }
}
