using CsCheck;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>
/// CsCheck generators for the wire model: every field of a ProtocolMessage, with the values where a codec can go wrong
/// weighted in. Integers cluster at the msgpack width boundaries (fixint, int8/16/32/64, uint8/16/32/64 and their signed
/// neighbours), strings at the fixstr/str8/str16 byte-length boundaries and carry JSON escapes, control characters,
/// U+2028/U+2029 and surrogate pairs, binary payloads at the bin8/bin16 boundaries, and maps and arrays past the
/// fixmap/fixarray limit of 15. Everything is composed from CsCheck primitives, so a failure shrinks to a small case.
/// </summary>
internal static class ProtocolGen
{
    /// <summary>Integers at and around every msgpack encoding width, both signs.</summary>
    public static readonly long[] IntBoundaries =
    [
        0, 1, -1, 127, 128, -32, -33, 255, 256, -128, -129, 32767, 32768, 65535, 65536, -32768, -32769,
        int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, (long)uint.MaxValue + 1, int.MinValue, (long)int.MinValue - 1,
        (1L << 53) - 1, 1L << 53, long.MaxValue, long.MaxValue - 1, long.MinValue, long.MinValue + 1,
    ];

    /// <summary>String lengths (in UTF-8 bytes, ASCII) at the fixstr, str8 and str16 limits.</summary>
    private static readonly int[] StringBoundaries = [31, 32, 33, 255, 256, 257];

    /// <summary>Binary lengths at the bin8 and bin16 limits.</summary>
    public static readonly int[] BinaryBoundaries = [255, 256, 65535, 65536];

    // Characters that stress escaping and UTF-8: quotes, backslash, slash, control characters, DEL, Latin-1, CJK,
    // the JavaScript line separators and surrogate pairs (emitted whole, never split).
    private static readonly string[] Atoms =
    [
        "a", "Z", "0", " ", ":", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\u0000", "\u0001", "\u001f", "\u007f",
        "é", "ß", "\u00ff", "✓", "中", "\u2028", "\u2029", "\uFEFF", "\uFFFD", "\U0001F600", "\U00010000", "\U0010FFFF",
    ];

    private static readonly Gen<string> Atom = Gen.Int[0, Atoms.Length - 1].Select(i => Atoms[i]);

    /// <summary>Valid Unicode text: short and varied, sometimes exactly at a fixstr or str8 length boundary.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (12, Atom.Array[0, 12].Select(a => string.Concat(a))),
        (1, Gen.Int[0, StringBoundaries.Length - 1].Select(i => new string('x', StringBoundaries[i]))));

    /// <summary>Text around the str16 limit (kept out of <see cref="Text"/>, which fills every field).</summary>
    public static readonly Gen<string> LongText = Gen.Int[65533, 65537].Select(n => new string('y', n));

    public static Gen<string?> OptionalText => Text.Null(0.4)!;

    /// <summary>Any long, with the width boundaries weighted in.</summary>
    public static readonly Gen<long> AnyLong = Gen.Frequency(
        (2, Gen.Long),
        (2, Gen.Int[0, IntBoundaries.Length - 1].Select(i => IntBoundaries[i])),
        (1, Gen.Long[-300, 70000]));

    public static Gen<long> LongIn(long min, long max) => Gen.Frequency(
        (2, Gen.Long[min, max]),
        (1, Gen.Int[0, IntBoundaries.Length - 1].Select(i => Math.Clamp(IntBoundaries[i], min, max))));

    public static readonly Gen<int> AnyInt = AnyLong.Select(l => (int)Math.Clamp(l, int.MinValue, int.MaxValue));

    /// <summary>Milliseconds since the epoch that a DateTimeOffset can hold.</summary>
    public static readonly Gen<DateTimeOffset> Timestamp =
        LongIn(0, 253_402_300_799_999).Select(DateTimeOffset.FromUnixTimeMilliseconds);

    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (8, Gen.Byte.Array[0, 64]),
        (1, Gen.Int[0, 1].SelectMany(i => Gen.Byte.Array[BinaryBoundaries[i]])));

    /// <summary>A JSON leaf: integers at the width boundaries, one past long.MaxValue, finite doubles, booleans, text, null.</summary>
    public static readonly Gen<JToken> JsonLeaf = Gen.Frequency<JToken>(
        (3, AnyLong.Select(l => (JToken)new JValue(l))),
        (1, Gen.Const<JToken>(() => new JValue(ulong.MaxValue))),
        (2, Gen.Double[-1e300, 1e300].Select(d => (JToken)new JValue(d))),
        (1, Gen.Int[0, 4].Select(i => (JToken)new JValue(new[] { 0.1, 0.5, 1e-300, double.Epsilon, double.MaxValue }[i]))),
        (1, Gen.Bool.Select(b => (JToken)new JValue(b))),
        (3, Text.Select(s => (JToken)new JValue(s))),
        (1, Gen.Const<JToken>(() => JValue.CreateNull())));

    public static Gen<JObject> JsonObject(int depth) =>
        Gen.Select(Text, Json(depth - 1)).Array[0, depth > 1 ? 4 : 17].Select(fields =>
        {
            var o = new JObject();
            foreach (var (name, value) in fields)
            {
                o[name] = value;
            }

            return o;
        });

    public static Gen<JArray> JsonArray(int depth) => Json(depth - 1).Array[0, depth > 1 ? 4 : 17].Select(items => new JArray(items));

    public static Gen<JToken> Json(int depth) => depth <= 0
        ? JsonLeaf
        : Gen.Frequency<JToken>((3, JsonLeaf), (1, JsonObject(depth).Select(o => (JToken)o)), (1, JsonArray(depth).Select(a => (JToken)a)));

    /// <summary>A payload as an application publishes it: nothing, text, binary, or a JSON object or array.</summary>
    public static readonly Gen<object?> UserData = Gen.Frequency<object?>(
        (1, Gen.Const(() => (object?)null)),
        (3, Text.Select(s => (object?)s)),
        (2, Bytes.Select(b => (object?)b)),
        (2, JsonObject(2).Select(o => (object?)o)),
        (1, JsonArray(2).Select(a => (object?)a)));

    public static readonly Gen<IReadOnlyDictionary<string, string>?> StringMap =
        Gen.Select(Text, Text).Array[0, 17]
            .Select(pairs => (IReadOnlyDictionary<string, string>)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2))
            .Null(0.6)!;

    public static Gen<ErrorInfo> Error(int depth) => Gen.Select(
        Gen.Int[10000, 99999], Gen.Int[200, 599], Text, OptionalText, OptionalText, StringMap,
        depth > 0 ? Error(depth - 1).Null(0.6) : Gen.Const(() => (ErrorInfo?)null),
        (code, status, message, href, requestId, detail, cause) => new ErrorInfo(code, status, message)
        {
            Href = href,
            RequestId = requestId,
            Detail = detail,
            Cause = cause,
        });

    private static Gen<TimeSpan?> Millis(long max) => LongIn(0, max).Select(TimeSpan.FromMilliseconds).Nullable(0.5);

    public static readonly Gen<ConnectionDetails> Details = Gen.Select(
        Gen.Select(OptionalText, OptionalText, OptionalText, OptionalText),
        Gen.Select(AnyLong.Nullable(0.4), AnyLong.Nullable(0.4), AnyLong.Nullable(0.4), AnyLong.Nullable(0.4)),
        Gen.Select(Millis(int.MaxValue), Millis(int.MaxValue), Millis(int.MaxValue)),
        (s, l, t) => new ConnectionDetails
        {
            ClientId = s.Item1,
            ConnectionKey = s.Item2,
            ServerId = s.Item3,
            SiteCode = s.Item4,
            MaxMessageSize = l.Item1,
            MaxFrameSize = l.Item2,
            MaxInboundRate = l.Item3,
            MaxOutboundRate = l.Item4,
            ConnectionStateTtl = t.Item1,
            MaxIdleInterval = t.Item2,
            ObjectsGCGracePeriod = t.Item3,
        });

    public static readonly Gen<MessageVersion> Version = Gen.Select(
        OptionalText, Timestamp.Nullable(0.5), OptionalText, OptionalText, StringMap,
        (serial, ts, clientId, description, metadata) => new MessageVersion
        {
            Serial = serial,
            Timestamp = ts,
            ClientId = clientId,
            Description = description,
            Metadata = metadata,
        });

    /// <summary>A message as a user publishes it, or as a server sends it once decoded (no encoding left).</summary>
    public static readonly Gen<Message> Message = Gen.Select(
        Gen.Select(OptionalText, OptionalText, UserData, OptionalText, OptionalText, OptionalText),
        Gen.Select(Timestamp.Nullable(0.5), JsonObject(2).Null(0.6), Gen.Int[0, 6].Nullable(0.5), OptionalText),
        Gen.Select(Version.Null(0.7), JsonObject(1).Null(0.8)),
        (a, b, c) => new Message
        {
            Id = a.Item1,
            Name = a.Item2,
            Data = a.Item3,
            ClientId = a.Item4,
            ConnectionId = a.Item5,
            ConnectionKey = a.Item6,
            Timestamp = b.Item1,
            Extras = b.Item2,
            Action = (MessageAction?)b.Item3,
            Serial = b.Item4,
            Version = c.Item1,
            Annotations = c.Item2 is null ? null : MessageAnnotations.FromWire(new JObject { ["summary"] = c.Item2 }),
        });

    /// <summary>An annotation as it stands on the wire (TAN2), every field present or absent.</summary>
    public static readonly Gen<Annotation> Annotation = Gen.Select(
        Gen.Select(OptionalText, Gen.Int[0, 1], OptionalText, OptionalText, AnyInt.Nullable(0.5), UserData),
        Gen.Select(Timestamp.Nullable(0.5), OptionalText, OptionalText, OptionalText, JsonObject(1).Null(0.7)),
        (a, b) => new Annotation
        {
            Id = a.Item1,
            Action = (AnnotationAction)a.Item2,
            ClientId = a.Item3,
            Name = a.Item4,
            Count = a.Item5,
            Data = a.Item6,
            Timestamp = b.Item1,
            Serial = b.Item2,
            MessageSerial = b.Item3,
            Type = b.Item4,
            Extras = b.Item5,
        });

    public static readonly Gen<PresenceMessage> Presence = Gen.Select(
        OptionalText, Gen.Int[0, 4], OptionalText, OptionalText, UserData, JsonObject(1).Null(0.6), Timestamp.Nullable(0.5),
        (id, action, clientId, connectionId, data, extras, ts) => new PresenceMessage
        {
            Id = id,
            Action = (PresenceAction)action,
            ClientId = clientId,
            ConnectionId = connectionId,
            Data = data,
            Extras = extras,
            Timestamp = ts,
        });

    /// <summary>Any ProtocolMessage the codecs know, with every field present or absent.</summary>
    public static readonly Gen<ProtocolMessage> ProtocolMessage = Gen.Select(
        Gen.Select(Gen.Int[0, 21], OptionalText, OptionalText, OptionalText, OptionalText, OptionalText),
        Gen.Select(AnyInt.Nullable(0.5), AnyInt.Nullable(0.5), AnyLong.Nullable(0.5), LongIn(0, 4_000_000_000_000).Nullable(0.5)),
        Gen.Select(OptionalText, Details.Null(0.6), Error(2).Null(0.6)),
        Gen.Select(Message.Array[0, 4].Null(0.5), Presence.Array[0, 3].Null(0.6), StringMap),
        Gen.Select(OptionalText.Array[0, 3].Array[0, 3].Null(0.7), Annotation.Array[0, 3].Null(0.8)),
        (ids, numbers, details, payload, raw) => new ProtocolMessage((ProtocolAction)ids.Item1)
        {
            Id = ids.Item2,
            Channel = ids.Item3,
            ChannelSerial = ids.Item4,
            ConnectionId = ids.Item5,
            ConnectionKey = ids.Item6,
            Count = numbers.Item1,
            Flags = (ProtocolFlags?)numbers.Item2,
            MsgSerial = numbers.Item3,
            Timestamp = numbers.Item4,
            Auth = details.Item1 is null ? null : new AuthDetails { AccessToken = details.Item1 },
            ConnectionDetails = details.Item2,
            Error = details.Item3,
            Messages = payload.Item1,
            Presence = payload.Item2,
            Params = payload.Item3,
            Res = raw.Item1?.Select(serials => new PublishResult { Serials = serials }).ToArray(),
            Annotations = raw.Item2,
        });

    /// <summary>
    /// A deterministic stream of values for seeded fuzzers that replay by an integer seed: item i is the generator's
    /// sample for the CsCheck seed derived from (seed, i).
    /// </summary>
    public static IEnumerable<T> Stream<T>(Gen<T> gen, int seed)
    {
        var pcg = new PCG((uint)seed, (ulong)seed * 0x9E3779B97F4A7C15UL + 1);
        while (true)
        {
            yield return gen.Generate(pcg, null, out _);
        }
    }
}
