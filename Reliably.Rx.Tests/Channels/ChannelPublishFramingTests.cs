using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// RTL6i: one ProtocolMessage per publish call. A name and data (or one Message) is a ProtocolMessage with one message
/// (RTL6i1), an array is one ProtocolMessage with all of them (RTL6i2), however many publishes wait to be sent at the
/// same moment; and the one size rule (TM6, TO3l8f) that REST and realtime share.
/// </summary>
[TestFixture]
public sealed class ChannelPublishFramingTests
{
    [Test]
    public async Task RTL6i1_publishes_made_in_one_loop_turn_are_each_their_own_ProtocolMessage()
    {
        await using var h = new ChannelHarness();
        var publishes = InOneTurn(h, () => new[]
        {
            h.Channel.PublishAsync("a", "1"),
            h.Channel.PublishAsync(new Message("b", "2")),
            h.Channel.PublishAsync("c", "3"),
        });

        var frames = h.Sent(ProtocolAction.Message).ToList();
        Assert.That(frames.Select(f => f.Messages!.Length), Is.EqualTo(new[] { 1, 1, 1 }), "RTL6i1: one message per ProtocolMessage");
        Assert.That(frames.Select(f => f.Messages![0].Name), Is.EqualTo(new[] { "a", "b", "c" }), "in publish order");
        Assert.That(frames.Select(f => f.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }), "RTN7b: one msgSerial each");

        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 3 });
        h.Pump();
        await Task.WhenAll(publishes);
    }

    [Test]
    public async Task RTL6i1_RTL6c2_publishes_queued_while_connecting_go_out_one_frame_each_in_order()
    {
        await using var h = new ChannelHarness(connect: false);
        var early = h.Channel.PublishAsync("early", "x");
        h.H.Connection.Connect();
        h.Pump();
        var during = h.Channel.PublishAsync("during", "x");
        h.Pump();
        h.Transport = h.H.Transport;
        Assert.That(h.Sent(ProtocolAction.Message), Is.Empty);

        h.Transport.Connected(details: ChannelHarness.QuietDetails);
        h.Pump();
        var frames = h.Sent(ProtocolAction.Message).ToList();
        Assert.That(frames.Select(f => f.Messages!.Single().Name), Is.EqualTo(new[] { "early", "during" }));
        Assert.That(frames.Select(f => f.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }));

        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 2 });
        h.Pump();
        await Task.WhenAll(early, during);
    }

    [Test]
    public async Task RTL6i2_an_array_publish_is_one_ProtocolMessage_accepted_or_rejected_as_a_whole()
    {
        await using var h = new ChannelHarness();
        var batch = h.Channel.PublishAsync(new[] { new Message("a", "1"), new Message("b", "2"), new Message("c", "3") });
        var single = h.Channel.PublishAsync("d", "4");
        h.Pump();

        var frames = h.Sent(ProtocolAction.Message).ToList();
        Assert.That(frames.Select(f => string.Concat(f.Messages!.Select(m => m.Name))), Is.EqualTo(new[] { "abc", "d" }));

        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 1, Error = new ErrorInfo(40160, 401, "not permitted") });
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 1, Count = 1 });
        h.Pump();
        var ex = Assert.ThrowsAsync<AblyException>(async () => await batch);
        Assert.That(ex!.Code, Is.EqualTo(40160), "the NACK fails the whole array");
        await single;
    }

    [Test]
    public async Task RSL1k1_idempotent_ids_are_one_base_per_publish_call_indexed_within_the_array()
    {
        await using var h = new ChannelHarness();
        _ = h.Channel.PublishAsync(new[] { new Message("a", "1"), new Message("b", "2"), new Message("c", "3") { Id = "mine:0" } });
        _ = h.Channel.PublishAsync("d", "4");
        h.Pump();

        var frames = h.Sent(ProtocolAction.Message).ToList();
        var ids = frames[0].Messages!.Select(m => m.Id!).ToList();
        Assert.That(ids[2], Is.EqualTo("mine:0"), "RSL1k2: an id of the caller's own is kept");
        Assert.That(ids.Take(2).Select(id => id[..id.LastIndexOf(':')]).Distinct().Count(), Is.EqualTo(1), "one base for the call");
        Assert.That(ids.Take(2).Select(id => id[(id.LastIndexOf(':') + 1)..]), Is.EqualTo(new[] { "0", "1" }));
        var other = frames[1].Messages![0].Id!;
        Assert.That(other[..other.LastIndexOf(':')], Is.Not.EqualTo(ids[0][..ids[0].LastIndexOf(':')]), "a fresh base per publish call");
    }

    [Test]
    public async Task Without_IdempotentRealtimePublishing_messages_carry_no_ids()
    {
        await using var h = new ChannelHarness(configure: o => o with { IdempotentRealtimePublishing = false });
        _ = h.Channel.PublishAsync(new[] { new Message("a", "1"), new Message("b", "2") });
        h.Pump();

        Assert.That(h.Sent(ProtocolAction.Message).Single().Messages!.Select(m => m.Id), Is.All.Null);
    }

    [Test]
    public async Task RTN19a_an_array_is_resent_whole_with_the_same_ids_and_renumbered_after_a_failed_resume()
    {
        await using var h = new ChannelHarness();
        var before = h.Channel.PublishAsync("before", "x");
        var batch = h.Channel.PublishAsync(new[] { new Message("a", "1"), new Message("b", "2") });
        h.Pump();
        var first = h.Transport;
        var sent = first.SentOf(ProtocolAction.Message).Last();
        var ids = sent.Messages!.Select(m => m.Id).ToList();
        Assert.That(sent.MsgSerial, Is.EqualTo(1));

        first.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        first.Drop();
        h.Pump();
        h.Transport = h.H.Transport;
        h.Transport.Connected("conn-2", "key-2", ChannelHarness.QuietDetails, new ErrorInfo(80008, 400, "unable to recover"));
        h.Pump();

        var resent = h.Transport.SentOf(ProtocolAction.Message).Single();
        Assert.That(resent.Messages!.Select(m => m.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(resent.Messages!.Select(m => m.Id), Is.EqualTo(ids), "the same ids, so the server can drop a copy it already has");
        Assert.That(resent.MsgSerial, Is.EqualTo(0), "RTN19a2: renumbered from 0 on the new connection");

        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        h.Pump();
        await Task.WhenAll(before, batch);
    }

    [Test]
    public async Task Frames_leave_in_the_order_the_loop_was_asked_to_send_them()
    {
        await using var h = new ChannelHarness();
        h.H.Loop.Post(() =>
        {
            _ = h.Channel.PublishAsync("a", "1");
            h.H.Loop.TrySendNow(new ProtocolMessage(ProtocolAction.Detach, h.Name));
            _ = h.Channel.PublishAsync("b", "2");
        });
        h.Pump(1);

        var order = h.Transport.Sent.Where(f => f.Action is ProtocolAction.Message or ProtocolAction.Detach)
            .Select(f => f.Action == ProtocolAction.Detach ? "DETACH" : f.Messages![0].Name)
            .ToList();
        Assert.That(order, Is.EqualTo(new[] { "a", "DETACH", "b" }));
    }

    [TestCase(false, 50_001, Description = "JSON: the binary goes out as base64, but counts its bytes (TM6c)")]
    [TestCase(true, 50_001, Description = "MessagePack")]
    public async Task TM6_REST_and_realtime_count_one_size_for_the_same_publish(bool binary, long expected)
    {
        var data = new byte[50_000];
        var message = new Message("x", data);
        await using var rest = new AblyRest(new ClientOptions { Key = "appId.keyId:secret", UseBinaryProtocol = binary, MaxMessageSize = 50_000 });
        var restError = Assert.Throws<AblyException>(() =>
            RestChannel.PrepareForPublish(rest, [message], null, binary ? Reliably.Rx.Serialization.WireFormat.MsgPack : Reliably.Rx.Serialization.WireFormat.Json));
        Assert.That(restError!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(restError.Message, Does.Contain(expected.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // Realtime, with the connection's limit one byte below and exactly at the size: the channel and the loop agree.
        foreach (var (limit, fails) in new[] { (expected - 1, true), (expected, false) })
        {
            await using var h = new ChannelHarness(configure: o => o with { UseBinaryProtocol = binary }, connect: false);
            h.H.Connection.Connect();
            h.Pump();
            h.Transport = h.H.Transport;
            h.Transport.Connected(details: ChannelHarness.QuietDetails with { MaxMessageSize = limit });
            h.Pump();
            var publish = PublishCatching(h.Channel, message);
            h.Pump();
            if (fails)
            {
                var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
                Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
                Assert.That(ex.Message, Does.Contain(expected.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.That(h.Sent(ProtocolAction.Message), Is.Empty);
            }
            else
            {
                Assert.That(h.Sent(ProtocolAction.Message).Count(), Is.EqualTo(1), "the loop does not measure it differently");
            }
        }
    }

    [Test]
    public void TM6_TP5_sizes_count_utf8_bytes_of_name_clientId_extras_and_data()
    {
        var extras = new Newtonsoft.Json.Linq.JObject { ["x"] = 1 };
        Assert.That(MessageSize.Of(new Message("ab", "cé") { ClientId = "é", Extras = extras }), Is.EqualTo(2 + 3 + 2 + 7));
        Assert.That(MessageSize.Of(new PresenceMessage(PresenceAction.Enter, "é", "cé") { Extras = extras }), Is.EqualTo(2 + 3 + 7), "TP5: no name");
        Assert.That(MessageSize.Of(new Message(null, "AAEC") { Encoding = "base64" }), Is.EqualTo(3), "TM6c: the bytes, not the base64");
        Assert.That(MessageSize.Of(new Message(null, null)), Is.Zero, "TM6e");
    }

    [Test]
    public async Task TP5_a_presence_message_over_maxMessageSize_fails_with_40009_before_sending()
    {
        await using var h = new ChannelHarness(configure: o => o with { ClientId = "alice" }, connect: false);
        h.H.Connection.Connect();
        h.Pump();
        h.Transport = h.H.Transport;
        h.Transport.Connected(details: ChannelHarness.QuietDetails with { MaxMessageSize = 100, ClientId = "alice" });
        h.Pump();
        await h.AttachNow();
        var enter = h.Channel.Presence.EnterAsync(new string('x', 101));
        h.Pump();

        var ex = Assert.ThrowsAsync<AblyException>(async () => await enter);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(h.Sent(ProtocolAction.Presence), Is.Empty);
    }

    private static Task PublishCatching(RealtimeChannel channel, Message message)
    {
        try
        {
            return channel.PublishAsync(message);
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }

    private static Task[] InOneTurn(ChannelHarness h, Func<Task[]> publish)
    {
        Task[]? tasks = null;
        h.H.Loop.Post(() => tasks = publish());
        h.Pump(1);
        Assert.That(tasks, Is.Not.Null, "the turn ran");
        return tasks!;
    }
}
