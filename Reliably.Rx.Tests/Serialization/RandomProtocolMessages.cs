using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>Generates random but valid ProtocolMessages from a seed, covering every field the codecs know.</summary>
internal sealed class RandomProtocolMessages
{
    private readonly Random _rng;

    public RandomProtocolMessages(int seed) => _rng = new Random(seed);

    private bool Coin() => _rng.Next(2) == 0;

    private string? MaybeString(string prefix) => Coin() ? null : Text(prefix);

    /// <summary>Strings with ASCII, escapes, non-BMP characters and the empty string.</summary>
    public string Text(string prefix) => _rng.Next(6) switch
    {
        0 => string.Empty,
        1 => prefix + "\"quoted\\slash/\n\t\u0001",
        2 => prefix + "héllo wörld ✓ \U0001F600",
        _ => prefix + ":" + _rng.Next(),
    };

    private long? MaybeLong(long max) => Coin() ? null : _rng.NextInt64(0, max);

    public ProtocolMessage Next()
    {
        var action = (ProtocolAction)_rng.Next(0, 22);
        var pm = new ProtocolMessage(action)
        {
            Id = MaybeString("id"),
            Channel = MaybeString("ch"),
            ChannelSerial = MaybeString("cs"),
            ConnectionId = MaybeString("conn"),
            ConnectionKey = MaybeString("key"),
            Count = Coin() ? null : _rng.Next(),
            Flags = Coin() ? null : (ProtocolFlags)_rng.Next(),
            MsgSerial = MaybeLong(long.MaxValue),
            Timestamp = MaybeLong(4_000_000_000_000),
        };
        if (Coin())
        {
            pm.Auth = new AuthDetails { AccessToken = MaybeString("tok") };
        }

        if (Coin())
        {
            pm.ConnectionDetails = new ConnectionDetails
            {
                ClientId = MaybeString("client"),
                ConnectionKey = MaybeString("key"),
                MaxMessageSize = MaybeLong(1 << 20),
                MaxFrameSize = MaybeLong(1 << 24),
                MaxInboundRate = MaybeLong(1000),
                MaxOutboundRate = MaybeLong(1000),
                ConnectionStateTtl = Coin() ? null : TimeSpan.FromMilliseconds(_rng.Next()),
                MaxIdleInterval = Coin() ? null : TimeSpan.FromMilliseconds(_rng.Next(0, 60000)),
                ServerId = MaybeString("srv"),
                SiteCode = MaybeString("site"),
                ObjectsGCGracePeriod = Coin() ? null : TimeSpan.FromMilliseconds(_rng.Next()),
            };
        }

        if (Coin())
        {
            pm.Error = Error(2);
        }

        if (Coin())
        {
            pm.Messages = Enumerable.Range(0, _rng.Next(0, 5)).Select(_ => Message()).ToArray();
        }

        if (Coin())
        {
            pm.Presence = Enumerable.Range(0, _rng.Next(0, 4)).Select(_ => Presence()).ToArray();
        }

        if (Coin())
        {
            pm.Params = Enumerable.Range(0, _rng.Next(0, 4)).ToDictionary(i => "p" + i, _ => Text("v"));
        }

        if (Coin())
        {
            pm.Res = Enumerable.Range(0, _rng.Next(0, 3))
                .Select(_ => new PublishResult { Serials = Enumerable.Range(0, _rng.Next(0, 3)).Select(_ => Coin() ? null : Text("s")).ToArray() })
                .ToArray();
        }

        if (Coin())
        {
            pm.State = new JArray(Json(2), Json(2));
        }

        if (Coin())
        {
            pm.Annotations = new JArray(Json(1));
        }

        return pm;
    }

    public ErrorInfo Error(int depth) => new(_rng.Next(10000, 99999), _rng.Next(200, 600), Text("msg"))
    {
        Href = MaybeString("https://help.ably.io/error/"),
        RequestId = MaybeString("req"),
        Detail = Coin() ? null : new Dictionary<string, string> { ["k"] = Text("v") },
        Cause = depth > 0 && Coin() ? Error(depth - 1) : null,
    };

    /// <summary>A message as a user publishes it (no encoding yet).</summary>
    public Message Message() => new()
    {
        Id = MaybeString("id"),
        Name = MaybeString("name"),
        Data = UserData(),
        ClientId = MaybeString("client"),
        ConnectionId = MaybeString("conn"),
        ConnectionKey = MaybeString("ck"),
        Timestamp = Coin() ? null : DateTimeOffset.FromUnixTimeMilliseconds(_rng.NextInt64(0, 4_000_000_000_000)),
        Extras = Coin() ? null : (JObject)Json(2, objectOnly: true),
        Action = Coin() ? null : (MessageAction)_rng.Next(0, 7),
        Serial = MaybeString("serial"),
        Version = Coin() ? null : new MessageVersion
        {
            Serial = MaybeString("v"),
            Timestamp = Coin() ? null : DateTimeOffset.FromUnixTimeMilliseconds(_rng.NextInt64(0, 4_000_000_000_000)),
            ClientId = MaybeString("editor"),
            Description = MaybeString("why"),
            Metadata = Coin() ? null : new Dictionary<string, string> { ["m"] = Text("x") },
        },
        Annotations = Coin() ? null : new JObject { ["summary"] = Json(1, objectOnly: true) },
    };

    public PresenceMessage Presence() => new()
    {
        Id = MaybeString("id"),
        Action = (PresenceAction)_rng.Next(0, 5),
        ClientId = MaybeString("client"),
        ConnectionId = MaybeString("conn"),
        Data = UserData(),
        Extras = Coin() ? null : (JObject)Json(1, objectOnly: true),
        Timestamp = Coin() ? null : DateTimeOffset.FromUnixTimeMilliseconds(_rng.NextInt64(0, 4_000_000_000_000)),
    };

    /// <summary>Payloads before encoding: string, bytes, a JSON object or array, or null.</summary>
    public object? UserData() => _rng.Next(5) switch
    {
        0 => null,
        1 => Text("data"),
        2 => Bytes(),
        3 => Json(2, objectOnly: true),
        _ => new JArray(Text("a"), _rng.Next(), Json(1)),
    };

    public byte[] Bytes()
    {
        var b = new byte[_rng.Next(0, 200)];
        _rng.NextBytes(b);
        return b;
    }

    public JToken Json(int depth, bool objectOnly = false)
    {
        var kind = objectOnly ? 0 : _rng.Next(6);
        switch (kind)
        {
            case 0:
                var o = new JObject();
                for (var i = _rng.Next(0, 4); i > 0; i--)
                {
                    o["f" + _rng.Next(100)] = depth > 0 ? Json(depth - 1) : new JValue(Text("s"));
                }

                return o;
            case 1:
                var a = new JArray();
                for (var i = _rng.Next(0, 4); i > 0; i--)
                {
                    a.Add(depth > 0 ? Json(depth - 1) : new JValue(_rng.Next()));
                }

                return a;
            case 2: return new JValue(_rng.NextInt64(long.MinValue, long.MaxValue));
            case 3: return new JValue(Math.Round(_rng.NextDouble() * 1000, 3) + 0.5);
            case 4: return new JValue(Coin());
            default: return new JValue(Text("s"));
        }
    }
}
