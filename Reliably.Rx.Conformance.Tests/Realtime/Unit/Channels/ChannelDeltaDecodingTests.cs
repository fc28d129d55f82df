using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_delta_decoding.md (RTL18-RTL21, PC3): vcdiff delta messages. Delta decoding is
/// not implemented yet (a <c>vcdiff</c> step is left in <see cref="Message.Encoding"/> with an error). Each case sets up
/// its channel and sends its non-delta messages; the delta frames (built with the spec's mock vcdiff encoder and
/// decoder, registered as the client's vcdiff plugin) and the decoded results are in a comment, to be written once a
/// decoder plugin option exists.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_delta_decoding.md")]
public sealed class ChannelDeltaDecodingTests
{
    private const string NotImplemented = "not implemented: vcdiff delta decoding (RTL18-RTL21, PC3)";

    private static JObject Msg(string id, string? data, string? encoding = null)
    {
        var message = new JObject { ["id"] = id, ["data"] = data };
        if (encoding is not null)
        {
            message["encoding"] = encoding;
        }

        return message;
    }

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

    private static (ChannelFixture Fixture, List<Message> Received) Subscribed(string name, Action<ScriptedConnection, ProtocolFrame>? onFrame = null)
    {
        var f = ChannelFixture.Attached(name, onFrame);
        var received = new List<Message>();
        f.Channel.Messages().Subscribe(received.Add, _ => { });
        return (f, received);
    }

    // UTS: realtime/unit/RTL21/ascending-index-order-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL21_MessagesInArrayDecodedInAscendingIndexOrder()
    {
        var (f, received) = Subscribed("test-RTL21-order");
        await using var owned = f;
        // Send(f, "serial:0", null, Msg("serial:0", "first message"),
        //     Msg("serial:1", Base64(encoder.Encode("first message", "second message")), "vcdiff/base64") with extras.delta.from "serial:0",
        //     Msg("serial:2", Base64(encoder.Encode("second message", "third message")), "vcdiff/base64") with extras.delta.from "serial:1");
        Assert.That(received.Select(m => m.Data), Is.EqualTo(new[] { "first message", "second message", "third message" }));
    }

    // UTS: realtime/unit/RTL19b/stores-base-payload-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL19b_NonDeltaMessageStoresBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19b-base");
        await using var owned = f;
        Send(f, "msg-1:0", null, Msg("msg-1:0", "base payload"));
        // Send(f, "msg-2:0", null, Msg("msg-2:0", Base64(encoder.Encode("base payload", "updated payload")), "vcdiff/base64") with extras.delta.from "msg-1:0");
        Assert.That(received.Select(m => m.Data), Is.EqualTo(new[] { "base payload", "updated payload" }));
    }

    // UTS: realtime/unit/RTL19b/json-wire-form-base-1
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL19b_JsonEncodedNonDeltaMessageStoresWireFormBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19b-json-base");
        await using var owned = f;
        Send(f, "msg-1:0", null, Msg("msg-1:0", """{"foo":"bar","count":1}""", "json"));
        // Send(f, "msg-2:0", null, Msg("msg-2:0", Base64(encoder.Encode("""{"foo":"bar","count":1}""", """{"foo":"baz","count":2}""")), "utf-8/vcdiff/base64") with extras.delta.from "msg-1:0");
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(JToken.DeepEquals((JToken)received[0].Data!, JObject.Parse("""{"foo":"bar","count":1}""")), Is.True);
        Assert.That(received[1].Data, Is.EqualTo("""{"foo":"baz","count":2}"""), "the delta's result is a string: its encoding has no json step");
    }

    // UTS: realtime/unit/RTL19a/base64-decoded-before-store-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL19a_Base64EncodingStepDecodedBeforeStoringBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19a-base64");
        await using var owned = f;
        var baseBinary = new byte[] { 0x48, 0x65, 0x6C, 0x6C, 0x6F };
        Send(f, "msg-1:0", null, Msg("msg-1:0", Convert.ToBase64String(baseBinary), "base64"));
        // var newBinary = ...; Send(f, "msg-2:0", null, Msg("msg-2:0", Base64(encoder.Encode(baseBinary, newBinary)), "vcdiff/base64") with extras.delta.from "msg-1:0");
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[0].Data, Is.EqualTo(baseBinary));
    }

    // UTS: realtime/unit/RTL19c/delta-result-becomes-base-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL19c_DeltaApplicationResultStoredAsNewBasePayload()
    {
        var (f, received) = Subscribed("test-RTL19c");
        await using var owned = f;
        Send(f, "msg-1:0", null, Msg("msg-1:0", "value-A"));
        // Send msg-2:0, a delta "value-A" -> "value-B" from "msg-1:0"; then msg-3:0, a delta "value-B" -> "value-C" from "msg-2:0".
        Assert.That(received.Select(m => m.Data), Is.EqualTo(new[] { "value-A", "value-B", "value-C" }));
    }

    // UTS: realtime/unit/RTL20/mismatched-id-triggers-recovery-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL20_DeltaWithMismatchedBaseMessageIdTriggersRecovery()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, _) = Subscribed("test-RTL20-mismatch", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add(msg);
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
        });
        await using var owned = f;
        Send(f, "msg-1:0", "serial-1", Msg("msg-1:0", "base"));
        var initialAttachCount = attaches.Count;
        var changes = f.Channel.Record();
        // Send msg-2:0, a delta from "msg-999:0" (not the last message's id).
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        Assert.That(attaches, Has.Count.GreaterThan(initialAttachCount));
        Assert.That(attaches[^1].ChannelSerial, Is.EqualTo("serial-1"));
        Assert.That(changes.Find(c => c.Current == ChannelState.Attaching)?.Reason?.Code, Is.EqualTo(40018));
    }

    // UTS: realtime/unit/RTL20/last-id-updated-on-decode-1
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL20_LastMessageIdUpdatedAfterSuccessfulDecode()
    {
        var (f, received) = Subscribed("test-RTL20-last-id");
        await using var owned = f;
        Send(f, "serial:0", null, Msg("serial:0", "first"), Msg("serial:1", "second"));
        // Send msg-2:0, a delta "second" -> "third" from "serial:1" (the last id of the previous ProtocolMessage).
        Assert.That(received.Select(m => m.Data), Is.EqualTo(new[] { "first", "second", "third" }));
    }

    // UTS: realtime/unit/PC3/vcdiff-plugin-decodes-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task PC3_PC3a_VcdiffPluginDecodesDeltaMessages()
    {
        var (f, received) = Subscribed("test-PC3-plugin");
        await using var owned = f;
        Send(f, "msg-1:0", null, Msg("msg-1:0", "hello world"));
        // With a recording decoder as the vcdiff plugin, send msg-2:0, a delta "hello world" -> "goodbye world" from "msg-1:0";
        // then: one decode call, whose base is UTF-8("hello world") and whose delta is the raw delta payload.
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[1].Data, Is.EqualTo("goodbye world"));
    }

    // UTS: realtime/unit/PC3/no-plugin-fails-1
    [Test]
    [Ignore(NotImplemented)]
    public async Task PC3_NoVcdiffPluginCausesFailedState()
    {
        var (f, _) = Subscribed("test-PC3-no-plugin");
        await using var owned = f;
        var delta = Msg("msg-1:0", Convert.ToBase64String([0xD6, 0xC3, 0xC4, 0x00]), "vcdiff/base64");
        delta["extras"] = new JObject { ["delta"] = new JObject { ["from"] = "msg-0:0", ["format"] = "vcdiff" } };
        Send(f, "msg-1:0", null, delta);

        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);
        Assert.That(f.Channel.ErrorReason?.Code, Is.EqualTo(40019));
    }

    // UTS: realtime/unit/RTL18/decode-failure-recovery-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL18_RTL18a_RTL18b_RTL18c_DecodeFailureTriggersRecovery()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, received) = Subscribed("test-RTL18-recovery", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add(msg);
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
        });
        await using var owned = f;
        Send(f, "msg-1:0", "serial-100", Msg("msg-1:0", "base"));
        var initialAttachCount = attaches.Count;
        // With a vcdiff plugin that always fails, send msg-2:0, a delta from "msg-1:0": the message is not delivered (RTL18b),
        // the channel goes ATTACHING with 40018 (RTL18a) and sends ATTACH with channelSerial "serial-100" (RTL18c).
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(attaches, Has.Count.GreaterThan(initialAttachCount));
        Assert.That(attaches[^1].ChannelSerial, Is.EqualTo("serial-100"));
    }

    // UTS: realtime/unit/RTL18c/recovery-completes-on-attached-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL18c_RecoveryCompletesWhenServerSendsAttached()
    {
        var (f, received) = Subscribed("test-RTL18c-complete");
        await using var owned = f;
        Send(f, "msg-1:0", "serial-1", Msg("msg-1:0", "original base"));
        // With a vcdiff plugin that fails on its first call, send msg-2:0, a delta from "msg-1:0": recovery (ATTACHING, 40018)
        // and ATTACHED again; then the server resends from the channelSerial with a fresh non-delta message:
        // Send(f, "msg-3:0", "serial-3", Msg("msg-3:0", "fresh after recovery"));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        Assert.That(received.Select(m => m.Data), Is.EqualTo(new[] { "original base", "fresh after recovery" }), "the failed delta is discarded (RTL18b)");
    }

    // UTS: realtime/unit/RTL18/single-recovery-at-time-1
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL18_OnlyOneRecoveryInProgressAtATime()
    {
        var attaches = new List<ProtocolFrame>();
        var (f, _) = Subscribed("test-RTL18-single", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add(msg);
                if (attaches.Count == 1)
                {
                    c.Send(ProtocolFrame.Attached(msg.Channel!));
                }
            }
        });
        await using var owned = f;
        Send(f, "msg-1:0", "serial-1", Msg("msg-1:0", "base"));
        // With a failing vcdiff plugin, send two deltas while the first recovery's ATTACH is unanswered: one recovery ATTACH only.
        Assert.That(attaches, Has.Count.EqualTo(2), "the initial ATTACH and one recovery ATTACH");
    }
}
