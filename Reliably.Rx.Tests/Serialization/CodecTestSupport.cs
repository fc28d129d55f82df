using System.Buffers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>Helpers shared by the codec tests: byte-producing wrappers and a deep model comparison.</summary>
internal static class CodecTestSupport
{
    public static readonly IProtocolCodec[] Both = { ProtocolCodecs.Json, ProtocolCodecs.MsgPack };

    public static WireFormat ParseFormat(string name) => name == "json" ? WireFormat.Json : WireFormat.MsgPack;

    public static IEnumerable<TestFixtureData> BothFormats()
    {
        // Passed as names: NUnit fixtures are public and WireFormat is internal.
        yield return new TestFixtureData("json");
        yield return new TestFixtureData("msgpack");
    }

    public static byte[] Write(this IProtocolCodec codec, ProtocolMessage pm)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.WriteProtocolMessage(pm, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Write(this IProtocolCodec codec, params Message[] messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.WriteMessages(messages, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] WriteTreeBytes(this IProtocolCodec codec, JToken tree)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.WriteTree(tree, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static ProtocolMessage RoundTrip(this IProtocolCodec codec, ProtocolMessage pm) => codec.ReadProtocolMessage(codec.Write(pm));

    /// <summary>JSON text as UTF-8 bytes.</summary>
    public static byte[] Utf8(string json) => System.Text.Encoding.UTF8.GetBytes(json);

    /// <summary>A JSON document re-encoded as msgpack, to feed the same input to both codecs.</summary>
    public static byte[] ToMsgPack(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return ProtocolCodecs.MsgPack.WriteTreeBytes(JToken.ReadFrom(reader));
    }

    public static byte[] Frame(WireFormat format, string json) => format == WireFormat.Json ? Utf8(json) : ToMsgPack(json);

    private static readonly JsonSerializer Canonical = JsonSerializer.Create(new JsonSerializerSettings
    {
        DateParseHandling = DateParseHandling.None,
        NullValueHandling = NullValueHandling.Include,
        Converters = { new DataTypeTagger() },
    });

    /// <summary>
    /// A full tree of every public property (reflection is fine in tests) in which data values are tagged with their
    /// .NET type, so a byte[] never compares equal to its base64 string.
    /// </summary>
    public static JToken Describe(object? model) => model is null ? JValue.CreateNull() : JToken.FromObject(model, Canonical);

    public static void AssertSameModel(object? expected, object? actual, string because = "")
    {
        var e = Describe(expected);
        var a = Describe(actual);
        Assert.That(JToken.DeepEquals(e, a), Is.True,
            $"{because}\nexpected: {e.ToString(Formatting.None)}\nactual:   {a.ToString(Formatting.None)}");
    }

    /// <summary>Writes byte arrays as {"$bytes": hex} so their type shows in comparisons.</summary>
    private sealed class DataTypeTagger : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(byte[]);

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("$bytes");
            writer.WriteValue(Convert.ToHexString((byte[])value!));
            writer.WriteEndObject();
        }

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer) =>
            throw new NotSupportedException();
    }
}
