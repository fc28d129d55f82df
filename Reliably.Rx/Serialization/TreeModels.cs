using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using N = Reliably.Rx.Serialization.WireNames;

namespace Reliably.Rx.Serialization;

/// <summary>
/// Maps the REST-only bodies (TE, TD, TK, TS12, CHD1, error bodies) to and from a JSON tree, once for both formats.
/// Types are checked (a wrong type is 40000), unknown fields are ignored, null is absent.
/// </summary>
internal static class TreeModels
{
    public static JObject ToTree(TokenRequest request)
    {
        var o = new JObject { [N.KeyName] = request.KeyName };
        Add(o, N.Ttl, request.Ttl is { } ttl ? WireTime.ToMs(ttl) : null);
        Add(o, N.Capability, request.Capability);
        Add(o, N.ClientId, request.ClientId);
        o[N.Timestamp] = WireTime.ToMs(request.Timestamp);
        o[N.Nonce] = request.Nonce;
        o[N.Mac] = request.Mac;
        return o;
    }

    public static JObject ToTree(TokenParams p)
    {
        var o = new JObject();
        Add(o, N.Ttl, p.Ttl is { } ttl ? WireTime.ToMs(ttl) : null);
        Add(o, N.Capability, p.Capability);
        Add(o, N.ClientId, p.ClientId);
        Add(o, N.Timestamp, p.Timestamp is { } ts ? WireTime.ToMs(ts) : null);
        Add(o, N.Nonce, p.Nonce);
        return o;
    }

    public static JObject ToTree(TokenDetails d)
    {
        var o = new JObject { [N.Token] = d.Token };
        Add(o, N.KeyName, d.KeyName);
        Add(o, N.Issued, d.Issued is { } i ? WireTime.ToMs(i) : null);
        Add(o, N.Expires, d.Expires is { } e ? WireTime.ToMs(e) : null);
        Add(o, N.Capability, d.Capability);
        Add(o, N.ClientId, d.ClientId);
        return o;
    }

    public static TokenRequest ReadTokenRequest(JToken tree)
    {
        var o = RequireObject(tree, "token request");
        return new TokenRequest
        {
            KeyName = Str(o, N.KeyName) ?? string.Empty,
            Ttl = Long(o, N.Ttl) is { } ttl ? WireTime.ToTimeSpan(ttl, N.Ttl) : null,
            Capability = CapabilityText(o),
            ClientId = Str(o, N.ClientId),
            Timestamp = Long(o, N.Timestamp) is { } ts ? WireTime.ToDateTimeOffset(ts, N.Timestamp) : default,
            Nonce = Str(o, N.Nonce) ?? string.Empty,
            Mac = Str(o, N.Mac) ?? string.Empty,
        };
    }

    public static TokenDetails ReadTokenDetails(JToken tree)
    {
        var o = RequireObject(tree, "token details");
        var token = Str(o, N.Token) ?? throw CodecErrors.Malformed("Token details lack a token.");
        return new TokenDetails(token)
        {
            KeyName = Str(o, N.KeyName),
            Issued = Long(o, N.Issued) is { } i ? WireTime.ToDateTimeOffset(i, N.Issued) : null,
            Expires = Long(o, N.Expires) is { } e ? WireTime.ToDateTimeOffset(e, N.Expires) : null,
            Capability = CapabilityText(o),
            ClientId = Str(o, N.ClientId),
        };
    }

    /// <summary><c>{"error":{...}}</c> or a bare ErrorInfo; null when neither is there.</summary>
    public static ErrorInfo? ReadErrorBody(JToken tree)
    {
        if (tree is not JObject o)
        {
            return null;
        }

        if (o[N.Error] is JObject inner)
        {
            return ReadErrorInfo(inner, 0);
        }

        return o.ContainsKey(N.Code) ? ReadErrorInfo(o, 0) : null;
    }

    public static ErrorInfo ReadErrorInfo(JObject o, int depth)
    {
        ErrorInfo? cause = o[N.Cause] switch
        {
            JObject c when depth < 8 => ReadErrorInfo(c, depth + 1),
            JValue { Type: JTokenType.String } s => new ErrorInfo(0, 0, (string)s!),
            _ => null,
        };
        return new ErrorInfo((int)(Long(o, N.Code) ?? 0), (int)(Long(o, N.StatusCode) ?? 0), Str(o, N.Message) ?? string.Empty)
        {
            Href = Str(o, N.Href),
            Cause = cause,
            Detail = StringMap(o, N.Detail),
            RequestId = Str(o, N.RequestId),
        };
    }

    public static Stats[] ReadStatsArray(JToken tree) => tree switch
    {
        JArray a => a.Where(t => t.Type != JTokenType.Null).Select(ReadStats).ToArray(),
        JObject => new[] { ReadStats(tree) },
        _ => throw CodecErrors.Malformed("A stats body must be an array."),
    };

    public static Stats ReadStats(JToken tree)
    {
        var o = RequireObject(tree, "stats");
        var entries = new Dictionary<string, double>(StringComparer.Ordinal);
        if (o[N.Entries] is JObject e)
        {
            foreach (var p in e.Properties())
            {
                if (p.Value.Type is JTokenType.Integer or JTokenType.Float)
                {
                    entries[p.Name] = p.Value.Value<double>();
                }
            }
        }

        return new Stats
        {
            AppId = Str(o, N.AppId),
            IntervalId = Str(o, N.IntervalId) ?? string.Empty,
            Unit = Str(o, N.Unit),
            InProgress = Str(o, N.InProgress),
            Entries = entries,
            Schema = Str(o, N.Schema),
        };
    }

    public static ChannelDetails ReadChannelDetails(JToken tree)
    {
        var o = RequireObject(tree, "channel details");
        ChannelStatus? status = null;
        if (o[N.Status] is JObject s)
        {
            ChannelOccupancy? occupancy = null;
            if (s[N.Occupancy] is JObject occ)
            {
                ChannelMetrics? metrics = null;
                if (occ[N.Metrics] is JObject m)
                {
                    metrics = new ChannelMetrics
                    {
                        Connections = Int(m, N.Connections),
                        PresenceConnections = Int(m, N.PresenceConnections),
                        PresenceMembers = Int(m, N.PresenceMembers),
                        PresenceSubscribers = Int(m, N.PresenceSubscribers),
                        Publishers = Int(m, N.Publishers),
                        Subscribers = Int(m, N.Subscribers),
                        ObjectPublishers = Int(m, N.ObjectPublishers),
                        ObjectSubscribers = Int(m, N.ObjectSubscribers),
                    };
                }

                occupancy = new ChannelOccupancy { Metrics = metrics };
            }

            status = new ChannelStatus { IsActive = Bool(s, N.IsActive) ?? false, Occupancy = occupancy };
        }

        return new ChannelDetails { ChannelId = Str(o, N.ChannelId) ?? string.Empty, Status = status };
    }

    private static JObject RequireObject(JToken tree, string what) =>
        tree as JObject ?? throw CodecErrors.Malformed($"The {what} body must be an object.");

    /// <summary>The capability is a JSON string on the wire; an object (seen from some servers) is kept as its text.</summary>
    private static string? CapabilityText(JObject o) => o[N.Capability] switch
    {
        null or JValue { Type: JTokenType.Null } => null,
        JValue { Type: JTokenType.String } v => (string)v!,
        JObject c => c.ToString(Formatting.None),
        var t => throw CodecErrors.WrongType(N.Capability, "a string", t.Type.ToString()),
    };

    private static string? Str(JObject o, string name) => o[name] switch
    {
        null or JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
        JValue { Type: JTokenType.String } v => (string)v!,
        var t => throw CodecErrors.WrongType(name, "a string", t.Type.ToString()),
    };

    private static long? Long(JObject o, string name) => o[name] switch
    {
        null or JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
        JValue { Type: JTokenType.Integer } v => v.Value is System.Numerics.BigInteger
            ? throw CodecErrors.Malformed($"Field '{name}' is out of range.")
            : Convert.ToInt64(v.Value, CultureInfo.InvariantCulture),
        JValue { Type: JTokenType.Float } v when Convert.ToDouble(v.Value, CultureInfo.InvariantCulture) is var d
            && d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
        var t => throw CodecErrors.WrongType(name, "an integer", t.Type.ToString()),
    };

    private static int Int(JObject o, string name) => Long(o, name) is { } v
        ? v is >= int.MinValue and <= int.MaxValue ? (int)v : throw CodecErrors.Malformed($"Field '{name}' is out of range.")
        : 0;

    private static bool? Bool(JObject o, string name) => o[name] switch
    {
        null or JValue { Type: JTokenType.Null } => null,
        JValue { Type: JTokenType.Boolean } v => (bool)v,
        var t => throw CodecErrors.WrongType(name, "a boolean", t.Type.ToString()),
    };

    private static Dictionary<string, string>? StringMap(JObject o, string name)
    {
        if (o[name] is not JObject map)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in map.Properties())
        {
            if (p.Value is JValue { Value: not null } v && v.Type != JTokenType.Null)
            {
                result[p.Name] = v.Type == JTokenType.Boolean ? ((bool)v ? "true" : "false") : Convert.ToString(v.Value, CultureInfo.InvariantCulture)!;
            }
        }

        return result;
    }

    private static void Add(JObject o, string name, string? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }
    }

    private static void Add(JObject o, string name, long? value)
    {
        if (value is { } v)
        {
            o[name] = v;
        }
    }
}
