using MessagePack;
using Reliably.Rx.Protocol;
using K = Reliably.Rx.Serialization.MsgPack.MsgPackKeys;
using N = Reliably.Rx.Serialization.WireNames;
using R = Reliably.Rx.Serialization.MsgPack.MsgPackRead;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>ProtocolMessage (TR4), connectionDetails (CD2), ErrorInfo (TI1) and ACK results.</summary>
internal sealed partial class MsgPackProtocolCodec
{
    private static ProtocolMessage ReadProtocolMessage(ref MessagePackReader r)
    {
        var pm = new ProtocolMessage();
        var count = R.MapHeader(ref r, "protocol message");
        for (var i = 0; i < count; i++)
        {
            switch (R.Key(ref r))
            {
                // RTF1: unknown actions are kept as their number.
                case N.Action: pm.Action = (ProtocolAction)(R.Int32(ref r, N.Action) ?? 0); break;
                case N.Id: pm.Id = R.String(ref r, N.Id); break;
                case N.Auth: pm.Auth = ReadAuth(ref r); break;
                case N.Channel: pm.Channel = R.ChannelName(ref r, N.Channel); break;
                case N.ChannelSerial: pm.ChannelSerial = R.String(ref r, N.ChannelSerial); break;
                case N.ConnectionId: pm.ConnectionId = R.RecentString(ref r, N.ConnectionId); break;
                case N.ConnectionKey: pm.ConnectionKey = R.String(ref r, N.ConnectionKey); break;
                case N.ConnectionDetails: pm.ConnectionDetails = ReadConnectionDetails(ref r); break;
                case N.Count: pm.Count = R.Int32(ref r, N.Count); break;
                case N.Error: pm.Error = ReadErrorInfo(ref r, N.Error, 0); break;
                case N.Flags: pm.Flags = (ProtocolFlags?)R.Int32(ref r, N.Flags); break;
                case N.MsgSerial: pm.MsgSerial = R.Int64(ref r, N.MsgSerial); break;
                case N.Messages: pm.Messages = ReadMessageArray(ref r); break;
                case N.Presence: pm.Presence = ReadPresenceArray(ref r); break;
                case N.Annotations: pm.Annotations = ReadAnnotationArray(ref r); break;
                case N.Timestamp: pm.Timestamp = R.Int64(ref r, N.Timestamp); break;
                case N.Params: pm.Params = R.StringMap(ref r, N.Params); break;
                case N.Res: pm.Res = ReadResults(ref r); break;
                default: R.Skip(ref r); break;
            }
        }

        return pm;
    }

    private static void WriteProtocolMessage(ref MessagePackWriter w, ProtocolMessage pm)
    {
        var count = 1 + Count(pm.Id) + Count(pm.Auth) + Count(pm.Channel) + Count(pm.ChannelSerial) + Count(pm.ConnectionId)
            + Count(pm.ConnectionKey) + Count(pm.ConnectionDetails) + Count(pm.Count) + Count(pm.Error) + Count(pm.Flags)
            + Count(pm.MsgSerial) + Count(pm.Messages) + Count(pm.Presence) + Count(pm.Annotations)
            + Count(pm.Timestamp) + Count(pm.Params) + Count(pm.Res);
        w.WriteMapHeader(count);
        MsgPackWrite.Field(ref w, K.Action, (int)pm.Action);
        if (pm.Id is { } id)
        {
            MsgPackWrite.Field(ref w, K.Id, id);
        }

        if (pm.Auth is { } auth)
        {
            w.WriteRaw(K.Auth);
            w.WriteMapHeader(Count(auth.AccessToken));
            if (auth.AccessToken is { } token)
            {
                MsgPackWrite.Field(ref w, K.AccessToken, token);
            }
        }

        if (pm.Channel is { } channel)
        {
            MsgPackWrite.Field(ref w, K.Channel, channel);
        }

        if (pm.ChannelSerial is { } channelSerial)
        {
            MsgPackWrite.Field(ref w, K.ChannelSerial, channelSerial);
        }

        if (pm.ConnectionId is { } connectionId)
        {
            MsgPackWrite.Field(ref w, K.ConnectionId, connectionId);
        }

        if (pm.ConnectionKey is { } connectionKey)
        {
            MsgPackWrite.Field(ref w, K.ConnectionKey, connectionKey);
        }

        if (pm.ConnectionDetails is { } cd)
        {
            w.WriteRaw(K.ConnectionDetails);
            WriteConnectionDetails(ref w, cd);
        }

        if (pm.Count is { } c)
        {
            MsgPackWrite.Field(ref w, K.Count, c);
        }

        if (pm.Error is { } error)
        {
            w.WriteRaw(K.Error);
            WriteErrorInfo(ref w, error);
        }

        if (pm.Flags is { } flags)
        {
            MsgPackWrite.Field(ref w, K.Flags, (int)flags);
        }

        if (pm.MsgSerial is { } msgSerial)
        {
            MsgPackWrite.Field(ref w, K.MsgSerial, msgSerial);
        }

        if (pm.Messages is { } messages)
        {
            w.WriteRaw(K.Messages);
            w.WriteArrayHeader(messages.Length);
            foreach (var m in messages)
            {
                WriteMessage(ref w, m);
            }
        }

        if (pm.Presence is { } presence)
        {
            w.WriteRaw(K.Presence);
            w.WriteArrayHeader(presence.Length);
            foreach (var p in presence)
            {
                WritePresenceMessage(ref w, p);
            }
        }

        if (pm.Annotations is { } annotations)
        {
            w.WriteRaw(K.Annotations);
            WriteAnnotationArray(ref w, annotations);
        }

        if (pm.Timestamp is { } timestamp)
        {
            MsgPackWrite.Field(ref w, K.Timestamp, timestamp);
        }

        if (pm.Params is { } parameters)
        {
            w.WriteRaw(K.Params);
            MsgPackWrite.StringMap(ref w, parameters);
        }

        if (pm.Res is { } res)
        {
            w.WriteRaw(K.Res);
            w.WriteArrayHeader(res.Length);
            foreach (var result in res)
            {
                var serials = result?.Serials ?? Array.Empty<string?>();
                w.WriteMapHeader(1);
                w.WriteRaw(K.Serials);
                w.WriteArrayHeader(serials.Count);
                foreach (var serial in serials)
                {
                    w.Write(serial);
                }
            }
        }
    }

    private static int Count(object? value) => value is null ? 0 : 1;

    // A separate overload for nullable values avoids boxing them on every write.
    private static int Count<T>(T? value)
        where T : struct => value.HasValue ? 1 : 0;

    private static AuthDetails? ReadAuth(ref MessagePackReader r)
    {
        var count = R.MapHeader(ref r, N.Auth);
        if (count < 0)
        {
            return null;
        }

        var auth = new AuthDetails();
        for (var i = 0; i < count; i++)
        {
            if (R.Key(ref r) == N.AccessToken)
            {
                auth.AccessToken = R.String(ref r, N.AccessToken);
            }
            else
            {
                R.Skip(ref r);
            }
        }

        return auth;
    }

    private static PublishResult[]? ReadResults(ref MessagePackReader r)
    {
        var count = R.ArrayHeader(ref r, N.Res);
        if (count < 0)
        {
            return null;
        }

        var results = new PublishResult[count];
        for (var i = 0; i < count; i++)
        {
            string?[]? serials = null;
            var fields = R.MapHeader(ref r, N.Res);
            for (var f = 0; f < fields; f++)
            {
                if (R.Key(ref r) != N.Serials)
                {
                    R.Skip(ref r);
                    continue;
                }

                var n = R.ArrayHeader(ref r, N.Serials);
                if (n < 0)
                {
                    continue;
                }

                serials = new string?[n];
                for (var s = 0; s < n; s++)
                {
                    serials[s] = R.String(ref r, N.Serials);
                }
            }

            // Built once: an ACK per publish, so a discarded empty result per ACK would cost a publish an object.
            results[i] = serials is null ? new PublishResult() : new PublishResult { Serials = serials };
        }

        return results;
    }

    private static ConnectionDetails? ReadConnectionDetails(ref MessagePackReader r)
    {
        var count = R.MapHeader(ref r, N.ConnectionDetails);
        if (count < 0)
        {
            return null;
        }

        string? clientId = null, connectionKey = null, serverId = null, siteCode = null;
        long? maxMessageSize = null, maxFrameSize = null, maxInboundRate = null, maxOutboundRate = null;
        long? ttl = null, idle = null, gc = null;
        for (var i = 0; i < count; i++)
        {
            switch (R.Key(ref r))
            {
                case N.ClientId: clientId = R.String(ref r, N.ClientId); break;
                case N.ConnectionKey: connectionKey = R.String(ref r, N.ConnectionKey); break;
                case N.MaxMessageSize: maxMessageSize = R.Int64(ref r, N.MaxMessageSize); break;
                case N.MaxFrameSize: maxFrameSize = R.Int64(ref r, N.MaxFrameSize); break;
                case N.MaxInboundRate: maxInboundRate = R.Int64(ref r, N.MaxInboundRate); break;
                case N.MaxOutboundRate: maxOutboundRate = R.Int64(ref r, N.MaxOutboundRate); break;
                case N.ConnectionStateTtl: ttl = R.Int64(ref r, N.ConnectionStateTtl); break;
                case N.MaxIdleInterval: idle = R.Int64(ref r, N.MaxIdleInterval); break;
                case N.ServerId: serverId = R.String(ref r, N.ServerId); break;
                case N.SiteCode: siteCode = R.String(ref r, N.SiteCode); break;
                case N.ObjectsGCGracePeriod: gc = R.Int64(ref r, N.ObjectsGCGracePeriod); break;
                default: R.Skip(ref r); break;
            }
        }

        return new ConnectionDetails
        {
            ClientId = clientId,
            ConnectionKey = connectionKey,
            MaxMessageSize = maxMessageSize,
            MaxFrameSize = maxFrameSize,
            MaxInboundRate = maxInboundRate,
            MaxOutboundRate = maxOutboundRate,
            ConnectionStateTtl = ttl is { } t ? WireTime.ToTimeSpan(t, N.ConnectionStateTtl) : null,
            MaxIdleInterval = idle is { } d ? WireTime.ToTimeSpan(d, N.MaxIdleInterval) : null,
            ServerId = serverId,
            SiteCode = siteCode,
            ObjectsGCGracePeriod = gc is { } g ? WireTime.ToTimeSpan(g, N.ObjectsGCGracePeriod) : null,
        };
    }

    private static void WriteConnectionDetails(ref MessagePackWriter w, ConnectionDetails cd)
    {
        w.WriteMapHeader(Count(cd.ClientId) + Count(cd.ConnectionKey) + Count(cd.MaxMessageSize) + Count(cd.MaxFrameSize)
            + Count(cd.MaxInboundRate) + Count(cd.MaxOutboundRate) + Count(cd.ConnectionStateTtl) + Count(cd.MaxIdleInterval)
            + Count(cd.ServerId) + Count(cd.SiteCode) + Count(cd.ObjectsGCGracePeriod));
        if (cd.ClientId is { } clientId) { MsgPackWrite.Field(ref w, K.ClientId, clientId); }
        if (cd.ConnectionKey is { } key) { MsgPackWrite.Field(ref w, K.ConnectionKey, key); }
        if (cd.MaxMessageSize is { } mms) { MsgPackWrite.Field(ref w, K.MaxMessageSize, mms); }
        if (cd.MaxFrameSize is { } mfs) { MsgPackWrite.Field(ref w, K.MaxFrameSize, mfs); }
        if (cd.MaxInboundRate is { } mir) { MsgPackWrite.Field(ref w, K.MaxInboundRate, mir); }
        if (cd.MaxOutboundRate is { } mor) { MsgPackWrite.Field(ref w, K.MaxOutboundRate, mor); }
        if (cd.ConnectionStateTtl is { } ttl) { MsgPackWrite.Field(ref w, K.ConnectionStateTtl, WireTime.ToMs(ttl)); }
        if (cd.MaxIdleInterval is { } idle) { MsgPackWrite.Field(ref w, K.MaxIdleInterval, WireTime.ToMs(idle)); }
        if (cd.ServerId is { } serverId) { MsgPackWrite.Field(ref w, K.ServerId, serverId); }
        if (cd.SiteCode is { } siteCode) { MsgPackWrite.Field(ref w, K.SiteCode, siteCode); }
        if (cd.ObjectsGCGracePeriod is { } gc) { MsgPackWrite.Field(ref w, K.ObjectsGCGracePeriod, WireTime.ToMs(gc)); }
    }

    private static ErrorInfo? ReadErrorInfo(ref MessagePackReader r, string field, int depth)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        if (r.NextMessagePackType == MessagePackType.String)
        {
            // Some servers send a bare message as the cause.
            return new ErrorInfo(0, 0, R.String(ref r, field) ?? string.Empty);
        }

        if (depth > 8)
        {
            throw CodecErrors.Malformed("Error causes are nested too deeply.");
        }

        var count = R.MapHeader(ref r, field);
        int? code = null, statusCode = null;
        string? message = null, href = null, requestId = null;
        ErrorInfo? cause = null;
        Dictionary<string, string>? detail = null;
        for (var i = 0; i < count; i++)
        {
            switch (R.Key(ref r))
            {
                case N.Code: code = R.Int32(ref r, N.Code); break;
                case N.StatusCode: statusCode = R.Int32(ref r, N.StatusCode); break;
                case N.Message: message = R.String(ref r, N.Message); break;
                case N.Href: href = R.String(ref r, N.Href); break;
                case N.Cause: cause = ReadErrorInfo(ref r, N.Cause, depth + 1); break;
                case N.Detail: detail = R.StringMap(ref r, N.Detail); break;
                case N.RequestId: requestId = R.String(ref r, N.RequestId); break;
                default: R.Skip(ref r); break;
            }
        }

        return new ErrorInfo(code ?? 0, statusCode ?? 0, message ?? string.Empty)
        {
            Href = href,
            Cause = cause,
            Detail = detail,
            RequestId = requestId,
        };
    }

    private static void WriteErrorInfo(ref MessagePackWriter w, ErrorInfo e)
    {
        w.WriteMapHeader(3 + Count(e.Href) + Count(e.Cause) + Count(e.Detail) + Count(e.RequestId));
        MsgPackWrite.Field(ref w, K.Code, e.Code);
        MsgPackWrite.Field(ref w, K.StatusCode, e.StatusCode);
        MsgPackWrite.Field(ref w, K.Message, e.Message);
        if (e.Href is { } href)
        {
            MsgPackWrite.Field(ref w, K.Href, href);
        }

        if (e.Cause is { } cause)
        {
            w.WriteRaw(K.Cause);
            WriteErrorInfo(ref w, cause);
        }

        if (e.Detail is { } detail)
        {
            w.WriteRaw(K.Detail);
            MsgPackWrite.StringMap(ref w, detail);
        }

        if (e.RequestId is { } requestId)
        {
            MsgPackWrite.Field(ref w, K.RequestId, requestId);
        }
    }
}
