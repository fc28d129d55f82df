namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>The wire field names pre-encoded as msgpack <c>str</c> values, written with one copy each.</summary>
internal static class MsgPackKeys
{
    public static readonly byte[] Action = Encode(WireNames.Action);
    public static readonly byte[] Id = Encode(WireNames.Id);
    public static readonly byte[] Auth = Encode(WireNames.Auth);
    public static readonly byte[] AccessToken = Encode(WireNames.AccessToken);
    public static readonly byte[] Channel = Encode(WireNames.Channel);
    public static readonly byte[] ChannelSerial = Encode(WireNames.ChannelSerial);
    public static readonly byte[] ConnectionId = Encode(WireNames.ConnectionId);
    public static readonly byte[] ConnectionKey = Encode(WireNames.ConnectionKey);
    public static readonly byte[] ConnectionDetails = Encode(WireNames.ConnectionDetails);
    public static readonly byte[] Count = Encode(WireNames.Count);
    public static readonly byte[] Error = Encode(WireNames.Error);
    public static readonly byte[] Flags = Encode(WireNames.Flags);
    public static readonly byte[] MsgSerial = Encode(WireNames.MsgSerial);
    public static readonly byte[] Messages = Encode(WireNames.Messages);
    public static readonly byte[] Presence = Encode(WireNames.Presence);
    public static readonly byte[] Annotations = Encode(WireNames.Annotations);
    public static readonly byte[] Timestamp = Encode(WireNames.Timestamp);
    public static readonly byte[] Params = Encode(WireNames.Params);
    public static readonly byte[] Res = Encode(WireNames.Res);
    public static readonly byte[] Serials = Encode(WireNames.Serials);
    public static readonly byte[] Name = Encode(WireNames.Name);
    public static readonly byte[] Data = Encode(WireNames.Data);
    public static readonly byte[] Encoding = Encode(WireNames.Encoding);
    public static readonly byte[] ClientId = Encode(WireNames.ClientId);
    public static readonly byte[] Type = Encode(WireNames.Type);
    public static readonly byte[] MessageSerial = Encode(WireNames.MessageSerial);
    public static readonly byte[] Extras = Encode(WireNames.Extras);
    public static readonly byte[] Serial = Encode(WireNames.Serial);
    public static readonly byte[] Version = Encode(WireNames.Version);
    public static readonly byte[] Description = Encode(WireNames.Description);
    public static readonly byte[] Metadata = Encode(WireNames.Metadata);
    public static readonly byte[] Code = Encode(WireNames.Code);
    public static readonly byte[] StatusCode = Encode(WireNames.StatusCode);
    public static readonly byte[] Message = Encode(WireNames.Message);
    public static readonly byte[] Href = Encode(WireNames.Href);
    public static readonly byte[] Cause = Encode(WireNames.Cause);
    public static readonly byte[] Detail = Encode(WireNames.Detail);
    public static readonly byte[] RequestId = Encode(WireNames.RequestId);
    public static readonly byte[] MaxMessageSize = Encode(WireNames.MaxMessageSize);
    public static readonly byte[] MaxFrameSize = Encode(WireNames.MaxFrameSize);
    public static readonly byte[] MaxInboundRate = Encode(WireNames.MaxInboundRate);
    public static readonly byte[] MaxOutboundRate = Encode(WireNames.MaxOutboundRate);
    public static readonly byte[] ConnectionStateTtl = Encode(WireNames.ConnectionStateTtl);
    public static readonly byte[] MaxIdleInterval = Encode(WireNames.MaxIdleInterval);
    public static readonly byte[] ServerId = Encode(WireNames.ServerId);
    public static readonly byte[] SiteCode = Encode(WireNames.SiteCode);
    public static readonly byte[] ObjectsGCGracePeriod = Encode(WireNames.ObjectsGCGracePeriod);
    public static readonly byte[] KeyName = Encode(WireNames.KeyName);
    public static readonly byte[] Ttl = Encode(WireNames.Ttl);
    public static readonly byte[] Capability = Encode(WireNames.Capability);
    public static readonly byte[] Nonce = Encode(WireNames.Nonce);
    public static readonly byte[] Mac = Encode(WireNames.Mac);
    public static readonly byte[] Token = Encode(WireNames.Token);
    public static readonly byte[] Issued = Encode(WireNames.Issued);
    public static readonly byte[] Expires = Encode(WireNames.Expires);
    public static readonly byte[] AppId = Encode(WireNames.AppId);
    public static readonly byte[] IntervalId = Encode(WireNames.IntervalId);
    public static readonly byte[] Unit = Encode(WireNames.Unit);
    public static readonly byte[] InProgress = Encode(WireNames.InProgress);
    public static readonly byte[] Entries = Encode(WireNames.Entries);
    public static readonly byte[] Schema = Encode(WireNames.Schema);
    public static readonly byte[] ChannelId = Encode(WireNames.ChannelId);
    public static readonly byte[] Status = Encode(WireNames.Status);
    public static readonly byte[] IsActive = Encode(WireNames.IsActive);
    public static readonly byte[] Occupancy = Encode(WireNames.Occupancy);
    public static readonly byte[] Metrics = Encode(WireNames.Metrics);
    public static readonly byte[] Connections = Encode(WireNames.Connections);
    public static readonly byte[] PresenceConnections = Encode(WireNames.PresenceConnections);
    public static readonly byte[] PresenceMembers = Encode(WireNames.PresenceMembers);
    public static readonly byte[] PresenceSubscribers = Encode(WireNames.PresenceSubscribers);
    public static readonly byte[] Publishers = Encode(WireNames.Publishers);
    public static readonly byte[] Subscribers = Encode(WireNames.Subscribers);
    public static readonly byte[] ObjectPublishers = Encode(WireNames.ObjectPublishers);
    public static readonly byte[] ObjectSubscribers = Encode(WireNames.ObjectSubscribers);

    private static byte[] Encode(string name)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(name);
        // Every wire name is shorter than 32 bytes, so a fixstr header (0xa0 | length) is enough.
        var bytes = new byte[utf8.Length + 1];
        bytes[0] = (byte)(0xa0 | utf8.Length);
        utf8.CopyTo(bytes, 1);
        return bytes;
    }
}
