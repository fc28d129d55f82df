using System.Text;
using MessagePack;
using Newtonsoft.Json;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using static Reliably.Rx.Tests.Serialization.CodecTestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>
/// Hostile and broken input: the codecs throw <see cref="AblyException"/> with 40000, never another exception type,
/// never hang and never allocate what a length field claims before checking it against the bytes that remain.
/// </summary>
public sealed class MalformedInputTests
{
    private static ProtocolMessage RichFrame(int seed)
    {
        var pm = ProtocolGen.Stream(ProtocolGen.ProtocolMessage, seed).First();
        pm.Messages = new[] { new Message("n", "text"), new Message("b", new byte[] { 1, 2, 3 }) { Extras = Newtonsoft.Json.Linq.JObject.Parse("""{"a":{"b":[1,2]}}""") } };
        pm.Presence = new[] { new PresenceMessage(PresenceAction.Enter, "c", "d") };
        pm.Error = ProtocolGen.Stream(ProtocolGen.Error(1), seed).First();
        return pm;
    }

    private static void AssertCodecError(TestDelegate read, string context)
    {
        var ex = Assert.Throws<AblyException>(read, context);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.BadRequest), context);
        AssertExpectedCause(ex, context);
    }

    /// <summary>
    /// A wrapped exception must be a parser's complaint about the input, not a bug in our code (a NullReference,
    /// IndexOutOfRange or InvalidCast would fail here). MessagePack-CSharp reports a negative 32-bit length while
    /// skipping as ArgumentOutOfRangeException, hence ArgumentException. System.Text.Json reports malformed JSON as its
    /// own JsonException.
    /// </summary>
    private static void AssertExpectedCause(AblyException ex, string context)
    {
        if (ex.InnerException is { } inner)
        {
            Assert.That(inner is FormatException or OverflowException or EndOfStreamException or DecoderFallbackException
                or JsonException or System.Text.Json.JsonException or MessagePackSerializationException or ArgumentException or AblyException,
                Is.True, $"{context}: unexpected inner exception {inner}");
        }
    }

    [TestCase("json")]
    [TestCase("msgpack")]
    public void TruncatedFrame_AtEveryLength_Is40000(string format)
    {
        var codec = ProtocolCodecs.For(ParseFormat(format));
        var frame = codec.Write(RichFrame(11));
        Assert.That(codec.ReadProtocolMessage(frame), Is.Not.Null);
        for (var length = 0; length < frame.Length; length++)
        {
            var truncated = frame.AsMemory(0, length);
            AssertCodecError(() => codec.ReadProtocolMessage(truncated), $"{format} truncated to {length} of {frame.Length}");
        }
    }

    [Test]
    public void TruncatedMessagesBody_AtEveryLength_Is40000()
    {
        foreach (var codec in Both)
        {
            var body = codec.Write(new Message("a", "b") { Id = "x" }, new Message("c", new byte[] { 9 }));
            for (var length = 0; length < body.Length; length++)
            {
                var truncated = body.AsMemory(0, length);
                AssertCodecError(() => codec.ReadMessages(truncated), $"{codec.Format} body truncated to {length}");
                AssertCodecError(() => codec.ReadTree(truncated), $"{codec.Format} tree truncated to {length}");
            }
        }
    }

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Str(string s) => ProtocolCodecs.MsgPack.WriteTreeBytes(s);

    public static IEnumerable<TestCaseData> AbsurdMsgPack()
    {
        byte[] map1 = { 0x81 };
        yield return new TestCaseData(new byte[] { 0xdf, 0x80, 0x00, 0x00, 0x00 }).SetName("MapHeaderClaiming2Pow31Entries");
        yield return new TestCaseData(new byte[] { 0xdf, 0x7f, 0xff, 0xff, 0xff }).SetName("MapHeaderClaimingIntMaxEntries");
        yield return new TestCaseData(new byte[] { 0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0 }).SetName("MapHeaderClaiming4GEntries");
        yield return new TestCaseData(Bytes(map1, Str("messages"), new byte[] { 0xdd, 0x7f, 0xff, 0xff, 0xff })).SetName("MessagesArrayClaimingIntMaxElements");
        yield return new TestCaseData(Bytes(map1, Str("presence"), new byte[] { 0xdd, 0x10, 0x00, 0x00, 0x00, 0xc0 })).SetName("PresenceArrayClaiming256MElements");
        yield return new TestCaseData(Bytes(map1, Str("channel"), new byte[] { 0xdb, 0x7f, 0xff, 0xff, 0xff, 0x61 })).SetName("StringClaiming2GBytes");
        yield return new TestCaseData(Bytes(map1, Str("messages"), new byte[] { 0x91, 0x81 }, Str("data"), new byte[] { 0xc6, 0x7f, 0xff, 0xff, 0xff })).SetName("BinClaiming2GBytes");
        yield return new TestCaseData(Bytes(map1, Str("unknown"), new byte[] { 0xdd, 0x7f, 0xff, 0xff, 0xff })).SetName("SkippedArrayClaimingIntMaxElements");
        yield return new TestCaseData(Bytes(map1, Str("unknown"), new byte[] { 0xdf, 0x7f, 0xff, 0xff, 0xff })).SetName("SkippedMapClaimingIntMaxEntries");
        yield return new TestCaseData(Bytes(map1, Str("params"), new byte[] { 0xdf, 0x7f, 0xff, 0xff, 0xff })).SetName("ParamsClaimingIntMaxEntries");
        yield return new TestCaseData(Bytes(map1, Str("res"), new byte[] { 0xdd, 0x7f, 0xff, 0xff, 0xff })).SetName("ResClaimingIntMaxEntries");
        yield return new TestCaseData(Bytes(map1, Str("state"), new byte[] { 0xdd, 0x7f, 0xff, 0xff, 0xff })).SetName("StateTreeClaimingIntMaxElements");
        yield return new TestCaseData(Bytes(map1, Str("action"), new byte[] { 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })).SetName("ActionUInt64Max");
        yield return new TestCaseData(Bytes(map1, Str("msgSerial"), new byte[] { 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0 })).SetName("MsgSerialAboveInt64");
        yield return new TestCaseData(Bytes(map1, Str("count"), new byte[] { 0xce, 0xff, 0xff, 0xff, 0xff })).SetName("CountAboveInt32");
        yield return new TestCaseData(Bytes(map1, Str("action"), new byte[] { 0xc1 })).SetName("NeverUsedCode");
        yield return new TestCaseData(Bytes(map1, Str("unknown"), new byte[] { 0xc1 })).SetName("NeverUsedCodeInSkippedValue");
        yield return new TestCaseData(Bytes(map1, Str("channel"), new byte[] { 0xa2, 0xc3, 0x28 })).SetName("InvalidUtf8String");
        yield return new TestCaseData(Bytes(map1, Str("channel"), new byte[] { 0x2a })).SetName("IntWhereStringExpected");
        yield return new TestCaseData(Bytes(map1, Str("messages"), new byte[] { 0x91, 0x81 }, Str("extras"), new byte[] { 0x92, 1, 2 })).SetName("ArrayWhereExtrasObjectExpected");
        yield return new TestCaseData(Bytes(map1, Str("messages"), new byte[] { 0x91, 0x81 }, Str("data"), new byte[] { 0x91, 0xd4, 0x01, 0x02 })).SetName("ExtensionTypeInTree");
        yield return new TestCaseData(new byte[] { 0x93, 1, 2, 3 }).SetName("ArrayAtTopLevel");
        yield return new TestCaseData(new byte[] { 0x2a }).SetName("IntAtTopLevel");
        yield return new TestCaseData(new byte[] { 0x80, 0x80 }).SetName("TrailingBytes");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("""{"action":15}""")).SetName("JsonTextGivenToMsgPack");
    }

    [TestCaseSource(nameof(AbsurdMsgPack))]
    public void MsgPack_AbsurdLengthsWrongTypesAndGarbage_Are40000(byte[] frame) =>
        AssertCodecError(() => ProtocolCodecs.MsgPack.ReadProtocolMessage(frame), Convert.ToHexString(frame));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("nope")]
    [TestCase("""{"action":}""")]
    [TestCase("""{"action":15""")]
    [TestCase("""{"action":15}}""")]
    [TestCase("""{"action":15} {"action":16}""")]
    [TestCase("""{"channel":"\uZZZZ"}""")]
    [TestCase("""{"channel":"unterminated}""")]
    [TestCase("""{"messages":[{"name":"a"},]""")]
    [TestCase("""{"messages":[{"data":[1,2}]}""")]
    [TestCase("[]")]
    [TestCase("null")]
    [TestCase("true")]
    public void Json_InvalidOrNonObject_Is40000(string text) =>
        AssertCodecError(() => ProtocolCodecs.Json.ReadProtocolMessage(Utf8(text)), text);

    [Test]
    public void Json_CommentsAreStepped_EvenAHundredThousandInARow()
    {
        var json = "{" + string.Concat(Enumerable.Repeat("/**/", 100_000)) + "\"action\":/*x*/15,\"messages\":[/*c*/{\"name\":\"a\"}/*d*/]}";
        var pm = ProtocolCodecs.Json.ReadProtocolMessage(Utf8(json));
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Message));
        Assert.That(pm.Messages!.Single().Name, Is.EqualTo("a"));
    }

    [Test]
    public void Json_InvalidUtf8_Is40000()
    {
        var frame = Bytes(Utf8("""{"channel":" """), new byte[] { 0xc3, 0x28 }, Utf8("\"}"));
        AssertCodecError(() => ProtocolCodecs.Json.ReadProtocolMessage(frame), "invalid UTF-8");
        AssertCodecError(() => ProtocolCodecs.Json.ReadTree(frame), "invalid UTF-8 tree");
    }

    [Test]
    public void Json_Utf8ByteOrderMark_IsAccepted()
    {
        var frame = Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, Utf8("""{"action":0}"""));
        Assert.That(ProtocolCodecs.Json.ReadProtocolMessage(frame).Action, Is.EqualTo(ProtocolAction.Heartbeat));
    }

    [Test]
    public void MsgPack_UnknownFieldNestedAMillionLevelsDeep_IsSkippedWithoutRecursion()
    {
        const int depth = 1_000_000;
        var frame = Bytes(new byte[] { 0x82 }, Str("deep"), Enumerable.Repeat((byte)0x91, depth).ToArray(), new byte[] { 0xc0 }, Str("action"), new byte[] { 0x0f });
        Assert.That(ProtocolCodecs.MsgPack.ReadProtocolMessage(frame).Action, Is.EqualTo(ProtocolAction.Message));
    }

    [Test]
    public void DeepNestingInAKnownJsonField_Is40000NotAStackOverflow()
    {
        const int depth = 100_000;
        var deep = Enumerable.Repeat((byte)0x91, depth).Append((byte)0xc0).ToArray();
        var msgpack = Bytes(new byte[] { 0x81 }, Str("messages"), new byte[] { 0x91, 0x81 }, Str("data"), deep);
        AssertCodecError(() => ProtocolCodecs.MsgPack.ReadProtocolMessage(msgpack), "msgpack deep data");
        AssertCodecError(() => ProtocolCodecs.MsgPack.ReadTree(Bytes(new byte[] { 0x81 }, Str("state"), deep)), "msgpack deep tree");

        var json = """{"messages":[{"data":""" + new string('[', depth) + new string(']', depth) + "}]}";
        AssertCodecError(() => ProtocolCodecs.Json.ReadProtocolMessage(Utf8(json)), "json deep data");
    }

    [Test]
    public void TR4r_DeepNestingInASkippedField_IsSkippedWithoutRecursionOrRejectedWith40000()
    {
        // LiveObjects state is not read (the client implements no objects): msgpack skips any depth iteratively, and
        // System.Text.Json's reader refuses more than its maximum depth; neither recurses per level.
        const int depth = 100_000;
        var msgpack = Bytes(new byte[] { 0x82 }, Str("state"), Enumerable.Repeat((byte)0x91, depth).Append((byte)0xc0).ToArray(), Str("action"), new byte[] { 19 });
        Assert.That(ProtocolCodecs.MsgPack.ReadProtocolMessage(msgpack).Action, Is.EqualTo(Reliably.Rx.Protocol.ProtocolAction.Object));

        var json = """{"state":""" + new string('[', depth) + new string(']', depth) + ""","action":19}""";
        AssertCodecError(() => ProtocolCodecs.Json.ReadProtocolMessage(Utf8(json)), "json deep state");
    }

    [Test]
    public void ErrorBody_NeverThrows_OnGarbage()
    {
        var rng = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var garbage = new byte[rng.Next(0, 64)];
            rng.NextBytes(garbage);
            foreach (var codec in Both)
            {
                Assert.DoesNotThrow(() => codec.ReadErrorBody(garbage));
            }
        }
    }

    [TestCase(20240502, 20000)]
    [TestCase(77, 20000)]
    public void Fuzz_RandomMutationsOfValidFrames_OnlyAblyExceptionEscapes(int seed, int iterations)
    {
        TestContext.Out.WriteLine($"seed = {seed}");
        var rng = new Random(seed);
        var frames = Both.SelectMany(codec => Enumerable.Range(0, 8).Select(i => (codec, bytes: codec.Write(RichFrame(seed + i))))).ToArray();
        int accepted = 0, rejected = 0;
        for (var i = 0; i < iterations; i++)
        {
            var (codec, original) = frames[rng.Next(frames.Length)];
            var mutated = Mutate(original, rng);
            try
            {
                switch (rng.Next(4))
                {
                    case 0: codec.ReadMessages(mutated); break;
                    case 1: codec.ReadTree(mutated); break;
                    case 2: codec.ReadErrorBody(mutated); break;
                    default: codec.ReadProtocolMessage(mutated); break;
                }

                accepted++;
            }
            catch (AblyException ex)
            {
                Assert.That(ex.Code, Is.EqualTo(ErrorCodes.BadRequest), $"seed {seed} iteration {i}");
                AssertExpectedCause(ex, $"seed {seed} iteration {i} ({codec.Format}) input {Convert.ToHexString(mutated)}");
                rejected++;
            }
        }

        TestContext.Out.WriteLine($"accepted {accepted}, rejected {rejected}");
        Assert.That(rejected, Is.GreaterThan(0));
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = original.ToList();
        for (var n = rng.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(5))
            {
                case 0: bytes[at] = (byte)rng.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 2: bytes.Insert(at, (byte)rng.Next(256)); break;
                case 3: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return bytes.ToArray();
    }
}
