using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Channels;

namespace Reliably.Rx.Tests.Vcdiff;

/// <summary>
/// Delta messages on a realtime channel, in virtual time with a scripted server: the base payload and its message id
/// (RTL19, RTL20), decoding in array order (RTL21), recovery by re-attaching from the position before the failed frame
/// (RTL18), the decoder as a replaceable plugin and its absence (PC3, PC3a).
/// </summary>
[TestFixture]
public sealed class ChannelDeltaTests
{
    [Test]
    public async Task RTL21_RTL19b_RTL19c_deltas_in_one_frame_apply_in_order_each_to_the_one_before()
    {
        await using var c = await Attached();
        c.Receive(c.MessageFrame("f1", "serial-1",
            new Message(null, "first message") { Id = "f1:0" },
            Delta("f1:1", from: "f1:0", "first message", "second message"),
            Delta("f1:2", from: "f1:1", "second message", "third message")));
        Assert.That(c.Received.Select(m => m.Data), Is.EqualTo(new[] { "first message", "second message", "third message" }));
        Assert.That(c.Received.Select(m => m.Encoding), Is.All.Null);
    }

    [Test]
    public async Task RTL19a_RTL19b_a_binary_base_sent_as_base64_is_the_decoded_bytes()
    {
        await using var c = await Attached();
        c.Receive(c.MessageFrame("f1", "serial-1", new Message(null, Convert.ToBase64String("Hello"u8)) { Id = "f1:0", Encoding = "base64" }));
        var delta = TestDelta.Encode("Hello"u8.ToArray(), "World"u8.ToArray());
        c.Receive(c.MessageFrame("f2", "serial-2", new Message(null, Convert.ToBase64String(delta))
        {
            Id = "f2:0",
            Encoding = "vcdiff/base64",
            Extras = DeltaFrom("f1:0"),
        }));
        Assert.That(c.Received.Select(m => m.Data), Is.EqualTo(new object[] { "Hello"u8.ToArray(), "World"u8.ToArray() }));
    }

    [Test]
    public async Task RTL19b_a_JSON_message_leaves_its_wire_text_as_the_base()
    {
        await using var c = await Attached();
        const string before = "{\"foo\":\"bar\",\"count\":1}";
        const string after = "{\"foo\":\"baz\",\"count\":2}";
        c.Receive(c.MessageFrame("f1", "serial-1", new Message(null, before) { Id = "f1:0", Encoding = "json" }));
        var delta = Delta("f2:0", from: "f1:0", before, after) with { Encoding = "json/utf-8/vcdiff" };
        c.Receive(c.MessageFrame("f2", "serial-2", delta));
        Assert.That(c.Received[0].Data, Is.InstanceOf<JObject>());
        Assert.That(((JObject)c.Received[1].Data!)["foo"]!.ToString(), Is.EqualTo("baz"));
    }

    [Test]
    public async Task RTL20_RTL18_a_delta_from_another_message_discards_the_frame_and_reattaches_from_the_position_before_it()
    {
        await using var c = await Attached();
        c.Receive(c.MessageFrame("f1", "serial-1", new Message(null, "base payload") { Id = "f1:0" }));
        var attaches = c.Sent(ProtocolAction.Attach).Count();
        c.Receive(c.MessageFrame("f2", "serial-2",
            new Message(null, "full") { Id = "f2:0" },
            Delta("f2:1", from: "f0:9", "base payload", "new payload")));

        // RTL18b: nothing of the frame is delivered; RTL18c: ATTACHING with 40018, ATTACH from serial-1.
        Assert.That(c.Received.Select(m => m.Data), Is.EqualTo(new[] { "base payload" }));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(c.Changes.Last().Reason?.Code, Is.EqualTo(ErrorCodes.DeltaDecodeFailed));
        c.Pump();
        var recovery = c.Sent(ProtocolAction.Attach).ToList();
        Assert.That(recovery, Has.Count.EqualTo(attaches + 1));
        Assert.That(recovery[^1].ChannelSerial, Is.EqualTo("serial-1"));

        // The server resumes from serial-1 and sends the frame again, its delta now against the right message.
        c.Receive(c.Attached("serial-1", ProtocolFlags.Resumed));
        c.Receive(c.MessageFrame("f2", "serial-2",
            new Message(null, "full") { Id = "f2:0" },
            Delta("f2:1", from: "f2:0", "full", "new payload")));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(c.Received.Select(m => m.Data), Is.EqualTo(new[] { "base payload", "full", "new payload" }), "nothing lost, nothing twice");
        Assert.That(c.Discontinuities, Is.Empty, "the re-attach resumed");
    }

    [Test]
    public async Task RTL18_frames_that_arrive_while_recovering_are_dropped_and_one_recovery_runs()
    {
        await using var c = await Attached();
        c.Receive(c.MessageFrame("f1", "serial-1", new Message(null, "base") { Id = "f1:0" }));
        var attaches = c.Sent(ProtocolAction.Attach).Count();
        c.Receive(c.MessageFrame("f2", null, new Message(null, new byte[] { 1, 2, 3 }) { Id = "f2:0", Encoding = "vcdiff", Extras = DeltaFrom("f1:0") }));
        c.Receive(c.MessageFrame("f3", null, new Message(null, new byte[] { 4, 5, 6 }) { Id = "f3:0", Encoding = "vcdiff", Extras = DeltaFrom("f2:0") }));
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Count() - attaches, Is.EqualTo(1));
        Assert.That(c.Received.Select(m => m.Data), Is.EqualTo(new[] { "base" }));
    }

    [Test]
    public async Task PC3_PC3a_a_replacement_decoder_gets_the_delta_and_the_string_base_as_UTF8()
    {
        var recording = new RecordingDecoder();
        await using var c = await Attached(o => o with { VcdiffDecoder = recording });
        c.Receive(c.MessageFrame("f1", "serial-1", new Message(null, "hello world") { Id = "f1:0" }));
        var delta = Delta("f2:0", from: "f1:0", "hello world", "goodbye world");
        c.Receive(c.MessageFrame("f2", "serial-2", delta));
        Assert.That(recording.Calls.Single().Source, Is.EqualTo(Encoding.UTF8.GetBytes("hello world")));
        Assert.That(recording.Calls.Single().Delta, Is.EqualTo((byte[])delta.Data!));
        Assert.That(c.Received[1].Data, Is.EqualTo("goodbye world"));
    }

    [Test]
    public async Task PC3_without_a_decoder_a_delta_fails_the_channel_with_40019()
    {
        await using var c = await Attached(o => o with { VcdiffDecoder = null });
        c.Receive(c.MessageFrame("f1", "serial-1", new Message(null, "base") { Id = "f1:0" }));
        c.Receive(c.MessageFrame("f2", "serial-2", Delta("f2:0", from: "f1:0", "base", "next")));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(c.Channel.ErrorReason?.Code, Is.EqualTo(ErrorCodes.MissingPlugin));
        Assert.That(c.Received, Has.Count.EqualTo(1));
    }

    private static async Task<ChannelHarness> Attached(Func<ClientOptions, ClientOptions>? configure = null)
    {
        var c = new ChannelHarness(configure: configure);
        c.Subscribe();
        await c.AttachNow("serial-0");
        return c;
    }

    private static Message Delta(string id, string from, string before, string after) => TestDelta.Message(id, from, before, after);

    private static JObject DeltaFrom(string id) => TestDelta.From(id);

    private sealed class RecordingDecoder : IVcdiffDecoder
    {
        public List<(byte[] Delta, byte[] Source)> Calls { get; } = new();

        public byte[] Decode(ReadOnlySpan<byte> delta, ReadOnlySpan<byte> source)
        {
            Calls.Add((delta.ToArray(), source.ToArray()));
            return VcdiffDecoder.Default.Decode(delta, source);
        }
    }
}

/// <summary>A simple VCDIFF encoder for tests: COPY of the common prefix from the source, ADD of the rest.</summary>
internal static class TestDelta
{
    /// <summary>A delta message as the server sends it for a string payload: <c>utf-8/vcdiff</c>, binary data.</summary>
    public static Message Message(string id, string from, string before, string after) =>
        new(null, Encode(Encoding.UTF8.GetBytes(before), Encoding.UTF8.GetBytes(after)))
        {
            Id = id,
            Encoding = "utf-8/vcdiff",
            Extras = From(from),
        };

    /// <summary>The extras of a delta from message <paramref name="id"/>.</summary>
    public static JObject From(string id) => new() { ["delta"] = new JObject { ["from"] = id, ["format"] = "vcdiff" } };

    public static byte[] Encode(byte[] source, byte[] target)
    {
        var prefix = 0;
        while (prefix < source.Length && prefix < target.Length && source[prefix] == target[prefix])
        {
            prefix++;
        }

        var instructions = new List<byte>();
        var addresses = new List<byte>();
        if (prefix > 0)
        {
            instructions.Add(19); // COPY, explicit size, mode VCD_SELF
            instructions.AddRange(VcdiffDecoderTests.Varint(prefix));
            addresses.Add(0);
        }

        var rest = target[prefix..];
        if (rest.Length > 0)
        {
            instructions.Add(1); // ADD, explicit size
            instructions.AddRange(VcdiffDecoderTests.Varint(rest.Length));
        }

        return VcdiffDecoderTests.Window(source.Length, target.Length, rest, instructions.ToArray(), addresses.ToArray());
    }
}
