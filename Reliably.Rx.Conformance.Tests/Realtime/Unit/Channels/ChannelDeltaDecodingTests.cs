using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_delta_decoding.md (RTL18-RTL21, PC3): vcdiff delta messages.</summary>
/// <remarks>
/// The spec's <c>plugins: { vcdiff: decoder }</c> is <see cref="ClientOptions.VcdiffDecoder"/>, and its mock encoder and
/// decoder (uts/realtime/unit/helpers/mock_vcdiff.md) are <see cref="MockVcdiff"/>. As the spec's transport note says,
/// the JSON transport carries each delta base64-encoded, with <c>/base64</c> after <c>vcdiff</c> in its encoding.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_delta_decoding.md")]
public sealed class ChannelDeltaDecodingTests
{
    private const string BinaryPlugin = "The vcdiff plugin is binary (IVcdiffDecoder; a string base is passed as its UTF-8 bytes, PC3a), so a delta whose encoding has no utf-8 step yields bytes: the subscriber receives the UTF-8 bytes of the spec's string.";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static JObject Msg(string id, string data, string? encoding = null)
    {
        var message = new JObject { ["id"] = id, ["data"] = data };
        if (encoding is not null)
        {
            message["encoding"] = encoding;
        }

        return message;
    }

    /// <summary>A delta message from <paramref name="from"/>: <paramref name="delta"/> base64-encoded, encoding <paramref name="encoding"/>/base64.</summary>
    private static JObject Delta(string id, string from, byte[] delta, string encoding = "vcdiff")
    {
        var message = Msg(id, Convert.ToBase64String(delta), encoding + "/base64");
        message["extras"] = new JObject { ["delta"] = new JObject { ["from"] = from, ["format"] = "vcdiff" } };
        return message;
    }

    private static JObject Delta(string id, string from, string before, string after, string encoding = "vcdiff") =>
        Delta(id, from, MockVcdiff.Encode(Utf8(before), Utf8(after)), encoding);

    /// <summary>Sends one MESSAGE ProtocolMessage and runs the deliveries it causes.</summary>
    private static void Send(ChannelFixture f, string id, string? channelSerial, params JObject[] messages)
    {
        var frame = new JObject { ["action"] = (int)ProtocolAction.Message, ["channel"] = f.Channel.Name, ["id"] = id, ["messages"] = new JArray(messages) };
        if (channelSerial is not null)
        {
            frame["channelSerial"] = channelSerial;
        }

        f.Server.SendToClient(ChannelMocks.Frame(frame));
        f.Scheduler.ProcessPendingEvents();
    }

    /// <summary>Connected with <paramref name="decoder"/> as the vcdiff plugin, subscribed (<c>channel.subscribe</c>), attached.</summary>
    private static (ChannelFixture Fixture, List<Message> Received) Subscribed(string name, IVcdiffDecoder? decoder, List<ProtocolFrame>? attaches = null, Func<int, bool>? answerAttach = null)
    {
        var f = ChannelFixture.Connected(name, (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches?.Add(msg);
                if (answerAttach?.Invoke(attaches?.Count ?? 1) ?? true)
                {
                    c.Send(ProtocolFrame.Attached(msg.Channel!));
                }
            }
        }, o => o with { VcdiffDecoder = decoder });
        var received = new List<Message>();
        f.Channel.Messages().Subscribe(received.Add, _ => { });
        f.Scheduler.Await(f.Channel.AttachAsync());
        return (f, received);
    }

    // UTS: realtime/unit/RTL21/ascending-index-order-0
    [Test]
    [Adapted(BinaryPlugin)]
    public async Task RTL21_MessagesInArrayDecodedInAscendingIndexOrder()
    {
        var (f, received) = Subscribed("test-RTL21-order", new MockVcdiff());
        await using var owned = f;

        Send(f, "serial:0", null,
            Msg("serial:0", "first message"),
            Delta("serial:1", "serial:0", "first message", "second message"),
            Delta("serial:2", "serial:1", "second message", "third message"));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[0].Data, Is.EqualTo("first message"));
        Assert.That(received[1].Data, Is.EqualTo(Utf8("second message")));
        Assert.That(received[2].Data, Is.EqualTo(Utf8("third message")));
    }

    // UTS: realtime/unit/RTL19b/stores-base-payload-0
    [Test]
    [Adapted(BinaryPlugin)]
    public async Task RTL19b_NonDeltaMessageStoresBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19b-base", new MockVcdiff());
        await using var owned = f;

        Send(f, "msg-1:0", null, Msg("msg-1:0", "base payload"));
        Assert.That(received, Has.Count.EqualTo(1));
        Send(f, "msg-2:0", null, Delta("msg-2:0", "msg-1:0", "base payload", "updated payload"));

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[0].Data, Is.EqualTo("base payload"));
        Assert.That(received[1].Data, Is.EqualTo(Utf8("updated payload")));
    }

    // UTS: realtime/unit/RTL19b/json-wire-form-base-1
    [Test]
    public async Task RTL19b_JsonEncodedNonDeltaMessageStoresWireFormBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19b-json-base", new MockVcdiff());
        await using var owned = f;
        const string json = """{"foo":"bar","count":1}""";
        const string newJson = """{"foo":"baz","count":2}""";

        Send(f, "msg-1:0", null, Msg("msg-1:0", json, "json"));
        Assert.That(received, Has.Count.EqualTo(1));
        Send(f, "msg-2:0", null, Delta("msg-2:0", "msg-1:0", json, newJson, "utf-8/vcdiff"));

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(JToken.DeepEquals((JToken)received[0].Data!, JObject.Parse(json)), Is.True, "the subscriber receives the parsed JSON");
        Assert.That(received[1].Data, Is.EqualTo(newJson), "decoded against the JSON text, then utf-8: a string");
    }

    // UTS: realtime/unit/RTL19a/base64-decoded-before-store-0
    [Test]
    public async Task RTL19a_Base64EncodingStepDecodedBeforeStoringBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19a-base64", new MockVcdiff());
        await using var owned = f;
        var baseBinary = new byte[] { 0x48, 0x65, 0x6C, 0x6C, 0x6F };
        var newBinary = new byte[] { 0x57, 0x6F, 0x72, 0x6C, 0x64 };

        Send(f, "msg-1:0", null, Msg("msg-1:0", Convert.ToBase64String(baseBinary), "base64"));
        Assert.That(received, Has.Count.EqualTo(1));
        Send(f, "msg-2:0", null, Delta("msg-2:0", "msg-1:0", MockVcdiff.Encode(baseBinary, newBinary)));

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[0].Data, Is.EqualTo(baseBinary));
        Assert.That(received[1].Data, Is.EqualTo(newBinary));
    }

    // UTS: realtime/unit/RTL19c/delta-result-becomes-base-0
    [Test]
    [Adapted(BinaryPlugin)]
    public async Task RTL19c_DeltaApplicationResultStoredAsNewBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19c", new MockVcdiff());
        await using var owned = f;

        Send(f, "msg-1:0", null, Msg("msg-1:0", "value-A"));
        Send(f, "msg-2:0", null, Delta("msg-2:0", "msg-1:0", "value-A", "value-B"));
        Send(f, "msg-3:0", null, Delta("msg-3:0", "msg-2:0", "value-B", "value-C"));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[0].Data, Is.EqualTo("value-A"));
        Assert.That(received[1].Data, Is.EqualTo(Utf8("value-B")));
        Assert.That(received[2].Data, Is.EqualTo(Utf8("value-C")));
    }

    // UTS: realtime/unit/RTL20/mismatched-id-triggers-recovery-0
    [Test]
    public async Task RTL20_DeltaWithMismatchedBaseMessageIdTriggersRecovery()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, _) = Subscribed("test-RTL20-mismatch", new MockVcdiff(), attaches);
        await using var owned = f;
        Send(f, "msg-1:0", "serial-1", Msg("msg-1:0", "base"));
        var initialAttachCount = attaches.Count;
        var changes = f.Channel.Record();

        Send(f, "msg-2:0", "serial-2", Delta("msg-2:0", "msg-999:0", "base", "new"));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(attaches, Has.Count.GreaterThan(initialAttachCount));
        Assert.That(attaches[^1].ChannelSerial, Is.EqualTo("serial-1"));
        var attaching = changes.Find(c => c.Current == ChannelState.Attaching);
        Assert.That(attaching, Is.Not.Null);
        Assert.That(attaching!.Reason?.Code, Is.EqualTo(40018));
    }

    // UTS: realtime/unit/RTL20/last-id-updated-on-decode-1
    [Test]
    [Adapted(BinaryPlugin)]
    public async Task RTL20_LastMessageIdUpdatedAfterSuccessfulDecode()
    {
        var (f, received) = Subscribed("test-RTL20-last-id", new MockVcdiff());
        await using var owned = f;

        Send(f, "serial:0", null, Msg("serial:0", "first"), Msg("serial:1", "second"));
        Assert.That(received, Has.Count.EqualTo(2));
        Send(f, "msg-2:0", null, Delta("msg-2:0", "serial:1", "second", "third"));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[0].Data, Is.EqualTo("first"));
        Assert.That(received[1].Data, Is.EqualTo("second"));
        Assert.That(received[2].Data, Is.EqualTo(Utf8("third")));
    }

    // UTS: realtime/unit/PC3/vcdiff-plugin-decodes-0
    [Test]
    [Adapted(BinaryPlugin)]
    public async Task PC3_PC3a_VcdiffPluginDecodesDeltaMessages()
    {
        var recording = new MockVcdiff();
        var (f, received) = Subscribed("test-PC3-plugin", recording);
        await using var owned = f;
        var delta = MockVcdiff.Encode(Utf8("hello world"), Utf8("goodbye world"));

        Send(f, "msg-1:0", null, Msg("msg-1:0", "hello world"));
        Assert.That(received, Has.Count.EqualTo(1));
        Send(f, "msg-2:0", null, Delta("msg-2:0", "msg-1:0", delta));

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(recording.Calls, Has.Count.EqualTo(1), "PC3: the plugin decoded the delta");
        Assert.That(recording.Calls[0].Source, Is.EqualTo(Utf8("hello world")), "PC3a: the string base as UTF-8");
        Assert.That(recording.Calls[0].Delta, Is.EqualTo(delta));
        Assert.That(received[1].Data, Is.EqualTo(Utf8("goodbye world")));
    }

    // UTS: realtime/unit/PC3/no-plugin-fails-1
    [Test]
    public async Task PC3_NoVcdiffPluginCausesFailedState()
    {
        var (f, _) = Subscribed("test-PC3-no-plugin", decoder: null);
        await using var owned = f;

        Send(f, "msg-1:0", null, Delta("msg-1:0", "msg-0:0", Utf8("fake-delta")));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ErrorReason?.Code, Is.EqualTo(40019));
    }

    // UTS: realtime/unit/RTL18/decode-failure-recovery-0
    [Test]
    public async Task RTL18_RTL18a_RTL18b_RTL18c_DecodeFailureTriggersRecovery()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, received) = Subscribed("test-RTL18-recovery", new MockVcdiff { FailingCalls = int.MaxValue }, attaches);
        await using var owned = f;
        Send(f, "msg-1:0", "serial-100", Msg("msg-1:0", "base payload"));
        Assert.That(received, Has.Count.EqualTo(1));
        var changes = f.Channel.Record();
        var initialAttachCount = attaches.Count;

        Send(f, "msg-2:0", "serial-200", Delta("msg-2:0", "msg-1:0", Utf8("fake-delta-payload")));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(received, Has.Count.EqualTo(1), "RTL18b: the failed delta is not delivered");
        Assert.That(received[0].Data, Is.EqualTo("base payload"));
        Assert.That(attaches, Has.Count.GreaterThan(initialAttachCount));
        Assert.That(attaches[^1].ChannelSerial, Is.EqualTo("serial-100"), "RTL18c: from the last message decoded");
        var attaching = changes.Find(c => c.Current == ChannelState.Attaching);
        Assert.That(attaching, Is.Not.Null);
        Assert.That(attaching!.Reason?.Code, Is.EqualTo(40018));
    }

    // UTS: realtime/unit/RTL18c/recovery-completes-on-attached-0
    [Test]
    public async Task RTL18c_RecoveryCompletesWhenServerSendsAttached()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, received) = Subscribed("test-RTL18c-complete", new MockVcdiff { FailingCalls = 1 }, attaches);
        await using var owned = f;
        Send(f, "msg-1:0", "serial-1", Msg("msg-1:0", "original base"));
        var changes = f.Channel.Record();

        Send(f, "msg-2:0", "serial-2", Delta("msg-2:0", "msg-1:0", "original base", "updated"));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        Send(f, "msg-3:0", "serial-3", Msg("msg-3:0", "fresh after recovery"));

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(changes.Select(c => c.Current), Does.Contain(ChannelState.Attaching));
        Assert.That(received.Select(m => m.Data), Is.EqualTo(new[] { "original base", "fresh after recovery" }), "RTL18b: the failed delta is discarded");
    }

    // UTS: realtime/unit/RTL18/single-recovery-at-time-1
    [Test]
    public async Task RTL18_OnlyOneRecoveryInProgressAtATime()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, _) = Subscribed("test-RTL18-single", new MockVcdiff { FailingCalls = int.MaxValue }, attaches, answerAttach: n => n == 1);
        await using var owned = f;
        Send(f, "msg-1:0", "serial-1", Msg("msg-1:0", "base"));
        var initialAttachCount = attaches.Count;

        Send(f, "msg-2:0", "serial-2", Delta("msg-2:0", "msg-1:0", Utf8("fake-delta-1")));
        Send(f, "msg-3:0", "serial-3", Delta("msg-3:0", "msg-2:0", Utf8("fake-delta-2")));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(attaches.Count - initialAttachCount, Is.EqualTo(1), "one recovery ATTACH");
    }

    /// <summary>
    /// The spec's mock vcdiff (uts/realtime/unit/helpers/mock_vcdiff.md), binary form: a delta is
    /// <c>utf8(base64url(base) + "/" + base64url(value))</c>, and decoding checks the base. Records its calls, and fails
    /// its first <see cref="FailingCalls"/> calls (the spec's failing and conditional decoders).
    /// </summary>
    private sealed class MockVcdiff : IVcdiffDecoder
    {
        public List<(byte[] Delta, byte[] Source)> Calls { get; } = new();

        public int FailingCalls { get; init; }

        public static byte[] Encode(byte[] source, byte[] value) => Utf8(Base64Url(source) + "/" + Base64Url(value));

        public byte[] Decode(ReadOnlySpan<byte> delta, ReadOnlySpan<byte> source)
        {
            Calls.Add((delta.ToArray(), source.ToArray()));
            if (Calls.Count <= FailingCalls)
            {
                throw new InvalidOperationException("Simulated decode failure");
            }

            var parts = Encoding.UTF8.GetString(delta).Split('/');
            if (parts.Length != 2)
            {
                throw new InvalidOperationException("Invalid delta format");
            }

            if (!FromBase64Url(parts[0]).AsSpan().SequenceEqual(source))
            {
                throw new InvalidOperationException("Base mismatch: expected base does not match delta");
            }

            return FromBase64Url(parts[1]);
        }

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static byte[] FromBase64Url(string text)
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
        }
    }
}
