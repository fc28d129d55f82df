using Reliably.Rx.Conformance.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_update_delete_message.md (RTL32): updating, deleting and appending to published
/// messages over realtime. Not implemented yet: each case sets up its server and channel, and carries in a comment the
/// calls it will make once <c>RealtimeChannel.UpdateMessageAsync</c>, <c>DeleteMessageAsync</c> and
/// <c>AppendMessageAsync</c> exist, then checks the MESSAGE frames the client sent.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_update_delete_message.md")]
public sealed class ChannelUpdateDeleteMessageTests
{
    private const string NotImplemented = "not implemented: message updates, deletes and appends over realtime (RTL32)";

    /// <summary>ATTACH is answered with ATTACHED (PUBLISH mode); MESSAGE with an ACK whose res carries <paramref name="versionSerial"/>, or with <paramref name="nack"/>.</summary>
    private static ChannelFixture Attached(string name, string versionSerial = "version-serial-1", ErrorInfo? nack = null) =>
        ChannelFixture.Attached(name, (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!, flags: Flags.Publish));
            }
            else if (msg.Action == ProtocolAction.Message)
            {
                c.Send(nack is null ? ChannelMocks.AckWithSerials(msg.MsgSerial!.Value, versionSerial) : ProtocolFrame.Nack(msg.MsgSerial!.Value, 1, nack));
            }
        });

    private static JObject SentMessage(ChannelFixture f, int index = 0)
    {
        var frames = f.Server.FramesFromClient(ProtocolAction.Message);
        Assert.That(frames, Has.Count.GreaterThan(index), "a MESSAGE ProtocolMessage was sent");
        return frames[index].Messages[0];
    }

    // UTS: realtime/unit/RTL32b/update-message-action-0
    [Test]
    public async Task RTL32b_RTL32b1_UpdateMessageSendsMessageWithActionMessageUpdate()
    {
        await using var f = Attached("test-RTL32-update");
        var result = f.Scheduler.Await(f.Channel.UpdateMessageAsync(new Message("updated", "new-data") { Serial = "msg-serial-1" }));
        var frames = f.Server.FramesFromClient(ProtocolAction.Message);
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Channel, Is.EqualTo("test-RTL32-update"));
        Assert.That(frames[0].Messages, Has.Count.EqualTo(1));
        var msg = frames[0].Messages[0];
        Assert.That(msg.Value<int>("action"), Is.EqualTo(1), "MESSAGE_UPDATE");
        Assert.That(msg.Value<string>("serial"), Is.EqualTo("msg-serial-1"));
        Assert.That(msg.Value<string>("name"), Is.EqualTo("updated"));
        Assert.That(msg.Value<string>("data"), Is.EqualTo("new-data"));
    }

    // UTS: realtime/unit/RTL32b/delete-message-action-1
    [Test]
    public async Task RTL32b_RTL32b1_DeleteMessageSendsMessageWithActionMessageDelete()
    {
        await using var f = Attached("test-RTL32-delete");
        f.Scheduler.Await(f.Channel.DeleteMessageAsync(new Message { Serial = "msg-serial-1" }));
        var msg = SentMessage(f);
        Assert.That(msg.Value<int>("action"), Is.EqualTo(2), "MESSAGE_DELETE");
        Assert.That(msg.Value<string>("serial"), Is.EqualTo("msg-serial-1"));
    }

    // UTS: realtime/unit/RTL32b/append-message-action-2
    [Test]
    public async Task RTL32b_RTL32b1_AppendMessageSendsMessageWithActionMessageAppend()
    {
        await using var f = Attached("test-RTL32-append");
        f.Scheduler.Await(f.Channel.AppendMessageAsync(new Message { Serial = "msg-serial-1", Data = "appended-data" }, new MessageOperation { Description = "appended content" }));
        var msg = SentMessage(f);
        Assert.That(msg.Value<int>("action"), Is.EqualTo(5), "MESSAGE_APPEND");
        Assert.That(msg.Value<string>("serial"), Is.EqualTo("msg-serial-1"));
        Assert.That(msg.Value<string>("data"), Is.EqualTo("appended-data"));
    }

    // UTS: realtime/unit/RTL32b2/version-from-operation-0
    [Test]
    public async Task RTL32b2_VersionFieldSetFromMessageOperation()
    {
        await using var f = Attached("test-RTL32b2");
        f.Scheduler.Await(f.Channel.UpdateMessageAsync(new Message { Serial = "msg-serial-1", Data = "v2" }, new MessageOperation { Description = "edited content", Metadata = new Dictionary<string, string> { ["reason"] = "typo" } }));
        f.Scheduler.Await(f.Channel.UpdateMessageAsync(new Message { Serial = "msg-serial-2", Data = "v2" }));
        Assert.That(f.Server.FramesFromClient(ProtocolAction.Message), Has.Count.EqualTo(2));
        var withOperation = SentMessage(f, 0);
        Assert.That(withOperation["version"], Is.Not.Null);
        Assert.That(withOperation["version"]!.Value<string>("description"), Is.EqualTo("edited content"));
        Assert.That(withOperation["version"]!["metadata"]!.Value<string>("reason"), Is.EqualTo("typo"));
        Assert.That(SentMessage(f, 1).ContainsKey("version"), Is.False);
    }

    // UTS: realtime/unit/RTL32c/no-message-mutation-0
    [Test]
    public async Task RTL32c_DoesNotMutateUserSuppliedMessage()
    {
        await using var f = Attached("test-RTL32c");
        var original = new Message("original", "original-data") { Serial = "msg-serial-1" };
        f.Scheduler.Await(f.Channel.UpdateMessageAsync(original));
        Assert.That(f.Server.FramesFromClient(ProtocolAction.Message), Has.Count.EqualTo(1), "the update was sent");
        Assert.That(original.Name, Is.EqualTo("original"));
        Assert.That(original.Data, Is.EqualTo("original-data"));
        Assert.That(original.Serial, Is.EqualTo("msg-serial-1"));
        Assert.That(original.Action, Is.Null);
    }

    // UTS: realtime/unit/RTL32d/ack-returns-result-0
    [Test]
    public async Task RTL32d_ReturnsUpdateDeleteResultFromAck()
    {
        await using var f = Attached("test-RTL32d", versionSerial: "01770000000000-000@abcdef:000");
        var result = f.Scheduler.Await(f.Channel.UpdateMessageAsync(new Message { Serial = "msg-serial-1", Data = "updated" }));
        Assert.That(result, Is.TypeOf<UpdateDeleteResult>());
        Assert.That(result.VersionSerial, Is.EqualTo("01770000000000-000@abcdef:000"));
        Assert.That(f.Server.FramesFromClient(ProtocolAction.Message), Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTL32d/nack-returns-error-1
    [Test]
    public async Task RTL32d_NackReturnsError()
    {
        await using var f = Attached("test-RTL32d-nack", nack: new ErrorInfo(40160, 401, "Not permitted"));
        var error = f.Scheduler.AwaitFailure(f.Channel.UpdateMessageAsync(new Message { Serial = "msg-serial-1", Data = "updated" }));
        Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(f.Server.FramesFromClient(ProtocolAction.Message), Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTL32e/params-in-protocol-message-0
    [Test]
    public async Task RTL32e_ParamsSentInProtocolMessageParams()
    {
        await using var f = Attached("test-RTL32e");
        f.Scheduler.Await(f.Channel.UpdateMessageAsync(new Message { Serial = "msg-serial-1", Data = "v2" }, null, new Dictionary<string, string> { ["key1"] = "value1", ["key2"] = "value2" }));
        var frames = f.Server.FramesFromClient(ProtocolAction.Message);
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Json["params"]?.Value<string>("key1"), Is.EqualTo("value1"));
        Assert.That(frames[0].Json["params"]?.Value<string>("key2"), Is.EqualTo("value2"));
    }

    // UTS: realtime/unit/RTL32a/serial-validation-required-0
    [Test]
    public async Task RTL32a_SerialValidation()
    {
        await using var f = Attached("test-RTL32a");
        var empty = f.Scheduler.AwaitFailure(f.Channel.UpdateMessageAsync(new Message { Serial = "", Data = "v2" }));
        Assert.That(empty.Code, Is.EqualTo(40003));
        var missing = f.Scheduler.AwaitFailure(f.Channel.DeleteMessageAsync(new Message { Data = "v2" }));
        Assert.That(missing.Code, Is.EqualTo(40003));
    }
}
