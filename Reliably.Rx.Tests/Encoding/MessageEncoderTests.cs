using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Serialization;

namespace Reliably.Rx.Tests.PayloadEncoding;

/// <summary>The encoding chain (RSL4, RSL5, RSL6, PROTOCOL.md 3.3) without vectors.</summary>
public sealed class MessageEncoderTests
{
    private static readonly CipherParams Key128 = new(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
    private static readonly CipherParams Key256 = new(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    public sealed record Poco(string Name, int Count, List<string> Tags, DateTimeOffset When);

    private static object? Payload(string kind) => kind switch
    {
        "string" => "héllo",
        "object" => JObject.Parse("""{"a":1}"""),
        "array" => JArray.Parse("""[1,"x"]"""),
        "binary" => new byte[] { 1, 2, 3 },
        _ => null,
    };

    [TestCase("string", false, "json", null)]
    [TestCase("string", false, "msgpack", null)]
    [TestCase("object", false, "json", "json")]
    [TestCase("array", false, "msgpack", "json")]
    [TestCase("binary", false, "json", "base64")]
    [TestCase("binary", false, "msgpack", null)]
    [TestCase("string", true, "json", "utf-8/cipher+aes-128-cbc/base64")]
    [TestCase("string", true, "msgpack", "utf-8/cipher+aes-128-cbc")]
    [TestCase("object", true, "json", "json/utf-8/cipher+aes-128-cbc/base64")]
    [TestCase("binary", true, "json", "cipher+aes-128-cbc/base64")]
    [TestCase("binary", true, "msgpack", "cipher+aes-128-cbc")]
    public void RSL4_EncodingTable(string kind, bool encrypted, string format, string? expectedEncoding)
    {
        var wireFormat = CodecTestSupport.ParseFormat(format);
        var cipher = encrypted ? Key128 : null;
        var original = new Message("n", Payload(kind));
        var encoded = MessageEncoder.Encode(original, cipher, wireFormat);
        Assert.That(encoded.Encoding, Is.EqualTo(expectedEncoding));
        Assert.That(encoded.Data, wireFormat == WireFormat.Json || !(encrypted || kind == "binary") ? Is.TypeOf<string>() : Is.TypeOf<byte[]>());

        // And back, through the codec of that format.
        var codec = ProtocolCodecs.For(wireFormat);
        var received = codec.ReadMessages(codec.Write(encoded)).Single();
        Assert.That(MessageEncoder.TryDecode(received, cipher, out var decoded), Is.Null);
        Assert.That(decoded.Encoding, Is.Null);
        VectorDataAssert(original.Data, decoded.Data);
    }

    private static void VectorDataAssert(object? expected, object? actual) =>
        TestSupport.VectorMessages.AssertSameData(expected, actual, "round trip");

    [Test]
    public void RSL4_Encode_NeverMutatesTheUsersMessage()
    {
        var data = JObject.Parse("""{"a":[1,2]}""");
        var original = new Message("n", data) { Encoding = null, Id = "id" };
        var encoded = MessageEncoder.Encode(original, Key256, WireFormat.Json);
        Assert.That(original.Data, Is.SameAs(data));
        Assert.That(original.Encoding, Is.Null);
        Assert.That(data.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("""{"a":[1,2]}"""));
        Assert.That(encoded, Is.Not.SameAs(original));
        Assert.That(encoded.Id, Is.EqualTo("id"));

        var bytes = new byte[] { 5, 6 };
        var presence = new PresenceMessage(PresenceAction.Enter, "c", bytes);
        var encodedPresence = MessageEncoder.Encode(presence, null, WireFormat.Json);
        Assert.That(presence.Data, Is.SameAs(bytes));
        Assert.That(presence.Encoding, Is.Null);
        Assert.That(encodedPresence.Data, Is.EqualTo("BQY="));
    }

    [TestCase("json")]
    [TestCase("msgpack")]
    public void TypedData_PocoPublishedDirectly_IsJsonAndRoundTripsViaDataAs(string format)
    {
        var wireFormat = CodecTestSupport.ParseFormat(format);
        var poco = new Poco("widget", 3, new List<string> { "a", "b" }, DateTimeOffset.FromUnixTimeMilliseconds(1712345678901));
        foreach (var data in new object[] { poco, MessageData.Json(poco) })
        {
            var encoded = MessageEncoder.Encode(new Message("n", data), Key256, wireFormat);
            Assert.That(encoded.Encoding, Does.StartWith("json/utf-8/cipher+aes-256-cbc"));
            var codec = ProtocolCodecs.For(wireFormat);
            var received = codec.ReadMessages(codec.Write(encoded)).Single();
            Assert.That(MessageEncoder.DecodeInPlace(received, Key256), Is.Null);
            Assert.That(received.Data, Is.TypeOf<JObject>());
            Assert.That(received.DataAs<Poco>(), Is.EqualTo(poco).Using<Poco>((x, y) =>
                x.Name == y.Name && x.Count == y.Count && x.Tags.SequenceEqual(y.Tags) && x.When == y.When));
        }
    }

    [TestCase(42)]
    [TestCase(true)]
    [TestCase(1.5)]
    public void RSL4a_NumberAndBooleanData_AreRejectedWith40013(object data)
    {
        foreach (var payload in new[] { data, new JValue(data) })
        {
            var ex = Assert.Throws<AblyException>(() => MessageEncoder.Encode(new Message("n", payload), null, WireFormat.Json));
            Assert.That(ex!.Code, Is.EqualTo(40013));
        }
    }

    [TestCase("json")]
    [TestCase("msgpack")]
    public void RSL4_EmptyAndNullPayloads(string format)
    {
        var wireFormat = CodecTestSupport.ParseFormat(format);
        var empty = MessageEncoder.Encode(new Message("n", string.Empty), null, wireFormat);
        Assert.That(empty.Data, Is.EqualTo(string.Empty));
        Assert.That(empty.Encoding, Is.Null);

        var none = MessageEncoder.Encode(new Message("n", null), null, wireFormat);
        Assert.That(none.Data, Is.Null);
        Assert.That(none.Encoding, Is.Null);

        var array = MessageEncoder.Encode(new Message("n", new JArray()), null, wireFormat);
        Assert.That(array.Data, Is.EqualTo("[]"));
        Assert.That(array.Encoding, Is.EqualTo("json"));

        var obj = MessageEncoder.Encode(new Message("n", new JObject()), null, wireFormat);
        Assert.That(obj.Data, Is.EqualTo("{}"));
        Assert.That(obj.Encoding, Is.EqualTo("json"));
    }

    [TestCase("json/base64", "eyJrZXkiOiJ2YWx1ZSJ9")]
    [TestCase("json/utf-8/base64", "eyJrZXkiOiJ2YWx1ZSJ9")]
    public void RSL6a_ChainedEncodings_DecodeRightToLeft(string encoding, string data)
    {
        Assert.That(MessageEncoder.TryDecode(new Message { Data = data, Encoding = encoding }, null, out var d), Is.Null);
        Assert.That(JToken.DeepEquals((JToken)d.Data!, JObject.Parse("""{"key":"value"}""")), Is.True);
        Assert.That(d.Encoding, Is.Null);
    }

    [Test]
    public void RSL4_UnserializableData_Is40013()
    {
        var self = new SelfReferencing();
        self.Me = self;
        var ex = Assert.Throws<AblyException>(() => MessageEncoder.Encode(new Message("n", self), null, WireFormat.Json));
        Assert.That(ex!.Code, Is.EqualTo(40013));
    }

    public sealed class SelfReferencing
    {
        public SelfReferencing? Me { get; set; }
    }

    [Test]
    public void RSL6_LegacyUtf8StepName_IsDecoded()
    {
        var m = new Message { Data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ü")), Encoding = "utf8/base64" };
        Assert.That(MessageEncoder.TryDecode(m, null, out var d), Is.Null);
        Assert.That(d.Data, Is.EqualTo("ü"));
        Assert.That(d.Encoding, Is.Null);
    }

    [Test]
    public void RSL6b_InvalidBase64_LeavesEncodingAndDataAndReports40013()
    {
        var m = new Message { Data = "not base64!!", Encoding = "json/base64" };
        var error = MessageEncoder.TryDecode(m, null, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(d.Encoding, Is.EqualTo("json/base64"));
        Assert.That(d.Data, Is.EqualTo("not base64!!"));
        Assert.That(m.Encoding, Is.EqualTo("json/base64"), "TryDecode works on a copy");
    }

    [Test]
    public void RSL6b_MissingCipherKey_StopsAtTheCipherStepWithBase64Undone()
    {
        var encoded = MessageEncoder.Encode(new Message("n", "secret"), Key128, WireFormat.Json);
        var error = MessageEncoder.TryDecode(encoded, null, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(error.Message, Does.Contain("no cipher"));
        Assert.That(d.Encoding, Is.EqualTo("utf-8/cipher+aes-128-cbc"));
        Assert.That(d.Data, Is.TypeOf<byte[]>());
    }

    [Test]
    public void RSL6b_KeyLengthMismatch_StopsAtTheCipherStep()
    {
        var encoded = MessageEncoder.Encode(new Message("n", "secret"), Key128, WireFormat.MsgPack);
        var error = MessageEncoder.TryDecode(encoded, Key256, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(d.Encoding, Is.EqualTo("utf-8/cipher+aes-128-cbc"));
    }

    [Test]
    public void RSL6b_WrongKeyOfTheRightLength_IsADecodeErrorNotACrash()
    {
        var wrong = new CipherParams(Enumerable.Repeat((byte)0x42, 16).ToArray());
        var encoded = MessageEncoder.Encode(new Message("n", "secret"), Key128 with { FixedIv = new byte[16] }, WireFormat.Json);
        var error = MessageEncoder.TryDecode(encoded, wrong, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(d.Encoding, Does.EndWith("cipher+aes-128-cbc"));
    }

    [TestCase(0)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(33)]
    public void RSL6b_CiphertextNotIvPlusWholeBlocks_IsADecodeError(int length)
    {
        var m = new Message { Data = new byte[length], Encoding = "cipher+aes-128-cbc" };
        var error = MessageEncoder.TryDecode(m, Key128, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(d.Encoding, Is.EqualTo("cipher+aes-128-cbc"));
        Assert.That(d.Data, Is.SameAs(m.Data));
    }

    [Test]
    public void RSL6b_UnknownStep_StopsThereWithOuterStepsUndone()
    {
        var m = new Message { Data = "AQI=", Encoding = "utf-8/custom/base64" };
        var error = MessageEncoder.TryDecode(m, null, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(d.Encoding, Is.EqualTo("utf-8/custom"));
        Assert.That(d.Data, Is.EqualTo(new byte[] { 1, 2 }));
    }

    [Test]
    public void RTL18_VcdiffWithoutABase_StaysInEncoding()
    {
        var m = new Message { Data = "AQI=", Encoding = "vcdiff/base64" };
        var error = MessageEncoder.TryDecode(m, null, out var d);
        Assert.That(error!.Code, Is.EqualTo(40013));
        Assert.That(d.Encoding, Is.EqualTo("vcdiff"));
    }

    [Test]
    public void RSL6b_InvalidJson_And_InvalidUtf8_AreDecodeErrors()
    {
        var json = new PresenceMessage { Data = "{nope", Encoding = "json" };
        Assert.That(MessageEncoder.TryDecode(json, null, out var dj)!.Code, Is.EqualTo(40013));
        Assert.That(dj.Encoding, Is.EqualTo("json"));
        Assert.That(dj.Data, Is.EqualTo("{nope"));

        var utf8 = new Message { Data = new byte[] { 0xc3, 0x28 }, Encoding = "utf-8" };
        Assert.That(MessageEncoder.TryDecode(utf8, null, out var du)!.Code, Is.EqualTo(40013));
        Assert.That(du.Encoding, Is.EqualTo("utf-8"));
    }

    [Test]
    public void Decode_Throws40013_WhereTryDecodeReports()
    {
        var ex = Assert.Throws<AblyException>(() => MessageEncoder.Decode(new Message { Data = "%%", Encoding = "base64" }, null));
        Assert.That(ex!.Code, Is.EqualTo(40013));
    }

    [Test]
    public void RSL6b_TryDecode_NeverThrows_OnRandomDataAndEncodings()
    {
        const int seed = 4242;
        TestContext.Out.WriteLine($"seed = {seed}");
        var rng = new Random(seed);
        string[] steps = { "json", "utf-8", "utf8", "base64", "cipher+aes-128-cbc", "cipher+aes-256-cbc", "vcdiff", "x", "" };
        for (var i = 0; i < 5000; i++)
        {
            var encoding = string.Join("/", Enumerable.Range(0, rng.Next(0, 5)).Select(_ => steps[rng.Next(steps.Length)]));
            object? data = rng.Next(4) switch
            {
                0 => null,
                1 => Convert.ToBase64String(RandomBytes(rng)),
                2 => RandomBytes(rng),
                _ => "{\"a\":" + rng.Next() + "}",
            };
            var cipher = rng.Next(3) switch { 0 => null, 1 => Key128, _ => Key256 };
            var m = new Message { Data = data, Encoding = encoding };
            ErrorInfo? error = null;
            Assert.DoesNotThrow(() => error = MessageEncoder.TryDecode(m, cipher, out _), $"iteration {i}: {encoding}");
            Assert.That(error is null || error.Code == 40013, Is.True);
        }
    }

    private static byte[] RandomBytes(Random rng)
    {
        var b = new byte[rng.Next(0, 80)];
        rng.NextBytes(b);
        return b;
    }
}
