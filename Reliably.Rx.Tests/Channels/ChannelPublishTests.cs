using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>Publishing in virtual time (RTL6, RTN7 through the channel, TO3l8).</summary>
[TestFixture]
public sealed class ChannelPublishTests
{
    [Test]
    public async Task RTL6_publish_completes_on_ACK_and_RTL6c5_does_not_attach()
    {
        await using var c = new ChannelHarness();
        var publish = c.Channel.PublishAsync("greeting", "hello");
        c.Pump();
        var sent = c.Sent(ProtocolAction.Message).Single();
        Assert.That(sent.Messages!.Single().Name, Is.EqualTo("greeting"));
        Assert.That(c.Sent(ProtocolAction.Attach), Is.Empty, "RTL6c5");
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(publish.IsCompleted, Is.False);
        c.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = sent.MsgSerial, Count = 1 });
        await publish.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task RTL6_publish_faults_with_the_NACK_error()
    {
        await using var c = new ChannelHarness();
        var publish = c.Channel.PublishAsync(new[] { new Message("a", "1"), new Message("b", "2") });
        c.Pump();
        var sent = c.Sent(ProtocolAction.Message).Single();
        Assert.That(sent.Messages, Has.Length.EqualTo(2), "RTL6i2: one ProtocolMessage");
        c.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = sent.MsgSerial, Count = 1, Error = new ErrorInfo(40160, 401, "not permitted") });
        var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
        Assert.That(ex!.Code, Is.EqualTo(40160));
    }

    [Test]
    public async Task Typed_and_JSON_data_are_encoded_and_the_callers_message_is_unchanged()
    {
        var cipher = CipherParams.FromBase64("WUP6u0K7MXI5Zeo0VppPwg==");
        await using var c = new ChannelHarness(options: new ChannelOptions { Cipher = cipher });
        var message = new Message("order", MessageData.Json(new { Symbol = "ABC", Qty = 3 }));
        _ = c.Channel.PublishAsync(message);
        _ = c.Channel.PublishAsync("poco", new { Symbol = "DEF" });
        c.Pump();
        var sent = c.Sent(ProtocolAction.Message).Select(m => m.Messages!.Single()).ToList();
        Assert.That(sent[0].Encoding, Is.EqualTo("json/utf-8/cipher+aes-128-cbc"));
        Assert.That(sent[0].Data, Is.InstanceOf<byte[]>());
        Assert.That(message.Encoding, Is.Null);
        Assert.That(message.Data, Is.InstanceOf<JToken>());
        var decoded = Reliably.Rx.PayloadEncoding.MessageEncoder.Decode(sent[1], cipher);
        Assert.That(((JToken)decoded.Data!)["Symbol"]!.Value<string>(), Is.EqualTo("DEF"));
    }

    [Test]
    public async Task TO3l8_a_message_larger_than_maxMessageSize_fails_with_40009_before_sending()
    {
        await using var c = new ChannelHarness();
        var ex = Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync("big", new string('x', 70_000)));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Message), Is.Empty);
    }

    [Test]
    public async Task RTL6g_wildcard_clientId_in_a_message_is_rejected_with_40012()
    {
        await using var c = new ChannelHarness();
        var ex = Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync(new Message("n", "d") { ClientId = "*" }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidClientId));
    }

    [Test]
    public async Task RTL6c4_publishing_on_a_SUSPENDED_or_FAILED_channel_fails()
    {
        await using var c = new ChannelHarness();
        _ = c.Channel.AttachAsync();
        c.Pump();
        c.Receive(new ProtocolMessage(ProtocolAction.Error, c.Name) { Error = new ErrorInfo(40160, 401, "denied") });
        var ex = Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync("n", "d"));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailedInvalidState));
    }

    [Test]
    public async Task Null_and_empty_arguments_are_rejected_with_40003()
    {
        await using var c = new ChannelHarness();
        Assert.That(Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync((Message)null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync((IEnumerable<Message>)null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync(Array.Empty<Message>()))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => c.Channel.Messages((string)null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }
}
