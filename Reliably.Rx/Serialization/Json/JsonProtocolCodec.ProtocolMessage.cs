using Newtonsoft.Json;
using JsonTokenType = System.Text.Json.JsonTokenType;
using Utf8JsonReader = System.Text.Json.Utf8JsonReader;
using Reliably.Rx.Protocol;
using N = Reliably.Rx.Serialization.WireNames;

namespace Reliably.Rx.Serialization.Json;

/// <summary>ProtocolMessage (TR4), connectionDetails (CD2), ErrorInfo (TI1) and ACK results.</summary>
internal sealed partial class JsonProtocolCodec
{
    private static ProtocolMessage ReadProtocolMessageBody(ref Utf8JsonReader r)
    {
        var pm = new ProtocolMessage();
        while (JsonRead.NextProperty(ref r) is { } name)
        {
            switch (name)
            {
                case N.Action:
                    // RTF1: unknown actions are kept as their number.
                    pm.Action = (ProtocolAction)(JsonRead.Int32(ref r, name) ?? 0);
                    break;
                case N.Id: pm.Id = JsonRead.String(ref r, name); break;
                case N.Auth: pm.Auth = ReadAuth(ref r); break;
                case N.Channel: pm.Channel = JsonRead.ChannelName(ref r, name); break;
                case N.ChannelSerial: pm.ChannelSerial = JsonRead.String(ref r, name); break;
                case N.ConnectionId: pm.ConnectionId = JsonRead.RecentString(ref r, name); break;
                case N.ConnectionKey: pm.ConnectionKey = JsonRead.String(ref r, name); break;
                case N.ConnectionDetails: pm.ConnectionDetails = ReadConnectionDetails(ref r); break;
                case N.Count: pm.Count = JsonRead.Int32(ref r, name); break;
                case N.Error: pm.Error = ReadErrorInfo(ref r, name); break;
                case N.Flags: pm.Flags = (ProtocolFlags?)JsonRead.Int32(ref r, name); break;
                case N.MsgSerial: pm.MsgSerial = JsonRead.Int64(ref r, name); break;
                case N.Messages: pm.Messages = JsonRead.BeginArray(ref r, name) ? ReadArrayBody<Message, MessageElements>(ref r) : null; break;
                case N.Presence: pm.Presence = JsonRead.BeginArray(ref r, name) ? ReadArrayBody<PresenceMessage, PresenceElements>(ref r) : null; break;
                case N.Annotations: pm.Annotations = JsonRead.BeginArray(ref r, name) ? ReadArrayBody<Annotation, AnnotationElements>(ref r) : null; break;
                case N.Timestamp: pm.Timestamp = JsonRead.Int64(ref r, name); break;
                case N.Params: pm.Params = JsonRead.StringMap(ref r, name); break;
                case N.Res: pm.Res = ReadResults(ref r); break;
                default: JsonRead.SkipValue(ref r); break;
            }
        }

        return pm;
    }

    private static void WriteProtocolMessage(JsonWriter w, ProtocolMessage pm)
    {
        w.WriteStartObject();
        w.WritePropertyName(N.Action);
        w.WriteValue((int)pm.Action);
        WriteIfNotNull(w, N.Id, pm.Id);
        if (pm.Auth is { } auth)
        {
            w.WritePropertyName(N.Auth);
            w.WriteStartObject();
            WriteIfNotNull(w, N.AccessToken, auth.AccessToken);
            w.WriteEndObject();
        }

        WriteIfNotNull(w, N.Channel, pm.Channel);
        WriteIfNotNull(w, N.ChannelSerial, pm.ChannelSerial);
        WriteIfNotNull(w, N.ConnectionId, pm.ConnectionId);
        WriteIfNotNull(w, N.ConnectionKey, pm.ConnectionKey);
        if (pm.ConnectionDetails is { } cd)
        {
            w.WritePropertyName(N.ConnectionDetails);
            WriteConnectionDetails(w, cd);
        }

        WriteIfNotNull(w, N.Count, pm.Count);
        if (pm.Error is { } error)
        {
            w.WritePropertyName(N.Error);
            WriteErrorInfo(w, error);
        }

        WriteIfNotNull(w, N.Flags, (int?)pm.Flags);
        WriteIfNotNull(w, N.MsgSerial, pm.MsgSerial);
        if (pm.Messages is { } messages)
        {
            w.WritePropertyName(N.Messages);
            w.WriteStartArray();
            foreach (var m in messages)
            {
                WriteMessage(w, m);
            }

            w.WriteEndArray();
        }

        if (pm.Presence is { } presence)
        {
            w.WritePropertyName(N.Presence);
            w.WriteStartArray();
            foreach (var p in presence)
            {
                WritePresenceMessage(w, p);
            }

            w.WriteEndArray();
        }

        if (pm.Annotations is { } annotations)
        {
            w.WritePropertyName(N.Annotations);
            WriteAnnotationArray(w, annotations);
        }

        WriteIfNotNull(w, N.Timestamp, pm.Timestamp);
        WriteStringMap(w, N.Params, pm.Params);
        if (pm.Res is { } res)
        {
            w.WritePropertyName(N.Res);
            w.WriteStartArray();
            foreach (var result in res)
            {
                w.WriteStartObject();
                w.WritePropertyName(N.Serials);
                w.WriteStartArray();
                foreach (var serial in result?.Serials ?? Array.Empty<string?>())
                {
                    w.WriteValue(serial);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static AuthDetails? ReadAuth(ref Utf8JsonReader r)
    {
        if (!JsonRead.BeginObject(ref r, N.Auth))
        {
            return null;
        }

        var auth = new AuthDetails();
        while (JsonRead.NextProperty(ref r) is { } name)
        {
            if (name == N.AccessToken)
            {
                auth.AccessToken = JsonRead.String(ref r, name);
            }
            else
            {
                JsonRead.SkipValue(ref r);
            }
        }

        return auth;
    }

    private static PublishResult[]? ReadResults(ref Utf8JsonReader r)
    {
        if (!JsonRead.BeginArray(ref r, N.Res))
        {
            return null;
        }

        // One ACK per publish: the per-thread lists keep the results and serials from costing a list each.
        var results = Scratch<PublishResult>.Take();
        while (JsonRead.NextElement(ref r))
        {
            if (r.TokenType is JsonTokenType.Null)
            {
                results.Add(new PublishResult());
                continue;
            }

            if (r.TokenType != JsonTokenType.StartObject)
            {
                throw CodecErrors.WrongType(N.Res, "an array of objects", r.TokenType.ToString());
            }

            string?[]? serials = null;
            while (JsonRead.NextProperty(ref r) is { } name)
            {
                if (name != N.Serials)
                {
                    JsonRead.SkipValue(ref r);
                    continue;
                }

                if (JsonRead.BeginArray(ref r, name))
                {
                    serials = ReadSerials(ref r);
                }
            }

            results.Add(serials is null ? new PublishResult() : new PublishResult { Serials = serials });
        }

        return Scratch<PublishResult>.ToArrayAndReturn(results);
    }

    private static string?[] ReadSerials(ref Utf8JsonReader r)
    {
        var serials = Scratch<string?>.Take();
        while (JsonRead.NextElement(ref r))
        {
            serials.Add(r.TokenType switch
            {
                JsonTokenType.String => JsonRead.Text(ref r),
                JsonTokenType.Null => null,
                _ => throw CodecErrors.WrongType(N.Serials, "an array of strings", r.TokenType.ToString()),
            });
        }

        return Scratch<string?>.ToArrayAndReturn(serials);
    }

    private static ConnectionDetails? ReadConnectionDetails(ref Utf8JsonReader r)
    {
        if (!JsonRead.BeginObject(ref r, N.ConnectionDetails))
        {
            return null;
        }

        string? clientId = null, connectionKey = null, serverId = null, siteCode = null;
        long? maxMessageSize = null, maxFrameSize = null, maxInboundRate = null, maxOutboundRate = null;
        long? ttl = null, idle = null, gc = null;
        while (JsonRead.NextProperty(ref r) is { } name)
        {
            switch (name)
            {
                case N.ClientId: clientId = JsonRead.String(ref r, name); break;
                case N.ConnectionKey: connectionKey = JsonRead.String(ref r, name); break;
                case N.MaxMessageSize: maxMessageSize = JsonRead.Int64(ref r, name); break;
                case N.MaxFrameSize: maxFrameSize = JsonRead.Int64(ref r, name); break;
                case N.MaxInboundRate: maxInboundRate = JsonRead.Int64(ref r, name); break;
                case N.MaxOutboundRate: maxOutboundRate = JsonRead.Int64(ref r, name); break;
                case N.ConnectionStateTtl: ttl = JsonRead.Int64(ref r, name); break;
                case N.MaxIdleInterval: idle = JsonRead.Int64(ref r, name); break;
                case N.ServerId: serverId = JsonRead.String(ref r, name); break;
                case N.SiteCode: siteCode = JsonRead.String(ref r, name); break;
                case N.ObjectsGCGracePeriod: gc = JsonRead.Int64(ref r, name); break;
                default: JsonRead.SkipValue(ref r); break;
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
            MaxIdleInterval = idle is { } i ? WireTime.ToTimeSpan(i, N.MaxIdleInterval) : null,
            ServerId = serverId,
            SiteCode = siteCode,
            ObjectsGCGracePeriod = gc is { } g ? WireTime.ToTimeSpan(g, N.ObjectsGCGracePeriod) : null,
        };
    }

    private static void WriteConnectionDetails(JsonWriter w, ConnectionDetails cd)
    {
        w.WriteStartObject();
        WriteIfNotNull(w, N.ClientId, cd.ClientId);
        WriteIfNotNull(w, N.ConnectionKey, cd.ConnectionKey);
        WriteIfNotNull(w, N.MaxMessageSize, cd.MaxMessageSize);
        WriteIfNotNull(w, N.MaxFrameSize, cd.MaxFrameSize);
        WriteIfNotNull(w, N.MaxInboundRate, cd.MaxInboundRate);
        WriteIfNotNull(w, N.MaxOutboundRate, cd.MaxOutboundRate);
        WriteIfNotNull(w, N.ConnectionStateTtl, cd.ConnectionStateTtl is { } t ? WireTime.ToMs(t) : null);
        WriteIfNotNull(w, N.MaxIdleInterval, cd.MaxIdleInterval is { } i ? WireTime.ToMs(i) : null);
        WriteIfNotNull(w, N.ServerId, cd.ServerId);
        WriteIfNotNull(w, N.SiteCode, cd.SiteCode);
        WriteIfNotNull(w, N.ObjectsGCGracePeriod, cd.ObjectsGCGracePeriod is { } g ? WireTime.ToMs(g) : null);
        w.WriteEndObject();
    }

    private static ErrorInfo? ReadErrorInfo(ref Utf8JsonReader r, string field, int depth = 0)
    {
        JsonRead.Next(ref r);
        if (r.TokenType is JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.String)
        {
            // Some servers send a bare message as the cause.
            return new ErrorInfo(0, 0, JsonRead.Text(ref r));
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw CodecErrors.WrongType(field, "an error object", r.TokenType.ToString());
        }

        if (depth > 8)
        {
            throw CodecErrors.Malformed("Error causes are nested too deeply.");
        }

        int? code = null, statusCode = null;
        string? message = null, href = null, requestId = null;
        ErrorInfo? cause = null;
        Dictionary<string, string>? detail = null;
        while (JsonRead.NextProperty(ref r) is { } name)
        {
            switch (name)
            {
                case N.Code: code = JsonRead.Int32(ref r, name); break;
                case N.StatusCode: statusCode = JsonRead.Int32(ref r, name); break;
                case N.Message: message = JsonRead.String(ref r, name); break;
                case N.Href: href = JsonRead.String(ref r, name); break;
                case N.Cause: cause = ReadErrorInfo(ref r, name, depth + 1); break;
                case N.Detail: detail = JsonRead.StringMap(ref r, name); break;
                case N.RequestId: requestId = JsonRead.String(ref r, name); break;
                default: JsonRead.SkipValue(ref r); break;
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

    private static void WriteErrorInfo(JsonWriter w, ErrorInfo e)
    {
        w.WriteStartObject();
        w.WritePropertyName(N.Code);
        w.WriteValue(e.Code);
        w.WritePropertyName(N.StatusCode);
        w.WriteValue(e.StatusCode);
        w.WritePropertyName(N.Message);
        w.WriteValue(e.Message);
        WriteIfNotNull(w, N.Href, e.Href);
        if (e.Cause is { } cause)
        {
            w.WritePropertyName(N.Cause);
            WriteErrorInfo(w, cause);
        }

        WriteStringMap(w, N.Detail, e.Detail);
        WriteIfNotNull(w, N.RequestId, e.RequestId);
        w.WriteEndObject();
    }

    private static void WriteIfNotNull(JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WritePropertyName(name);
            w.WriteValue(value);
        }
    }

    private static void WriteIfNotNull(JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WritePropertyName(name);
            w.WriteValue(v);
        }
    }

    private static void WriteStringMap(JsonWriter w, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return;
        }

        w.WritePropertyName(name);
        w.WriteStartObject();
        foreach (var (key, value) in map)
        {
            w.WritePropertyName(key);
            w.WriteValue(value);
        }

        w.WriteEndObject();
    }
}
