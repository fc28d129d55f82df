using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// RTL6d: publishes that are waiting to be sent at the same moment may share one ProtocolMessage, under every
/// constraint of RTL6d1–RTL6d8. "At the same moment" is one loop drain; here one turn submits them all, which is what
/// many threads publishing at once, or a queue flushed on CONNECTED, produce on the real loop.
/// </summary>
[TestFixture]
public sealed class PublishBundlingTests
{
    [Test]
    public async Task RTL6d_publishes_submitted_in_one_turn_share_a_frame_and_each_completes_with_its_share_of_the_ACK()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publishes = InOneTurn(h, () => new[]
        {
            Send(h, "chat", new Message("a", "1")),
            Send(h, "chat", new Message("b", "2"), new Message("c", "3")),
            Send(h, "chat", new Message("d", "4")),
        });

        var frame = transport.SentOf(ProtocolAction.Message).Single();
        Assert.That(frame.Messages!.Select(m => m.Name), Is.EqualTo(new[] { "a", "b", "c", "d" }), "RTL6d6: publish order");
        Assert.That(frame.MsgSerial, Is.EqualTo(0));
        Assert.That(h.Loop.MsgSerial, Is.EqualTo(1), "one msgSerial for the bundle");

        transport.Receive(new ProtocolMessage(ProtocolAction.Ack)
        {
            MsgSerial = 0,
            Count = 1,
            Res = [new PublishResult { Serials = ["s-a", "s-b", "s-c", "s-d"] }],
        });
        h.Pump(1);
        Assert.That((await publishes[0])!.Serials, Is.EqualTo(new[] { "s-a" }));
        Assert.That((await publishes[1])!.Serials, Is.EqualTo(new[] { "s-b", "s-c" }));
        Assert.That((await publishes[2])!.Serials, Is.EqualTo(new[] { "s-d" }));
    }

    [Test]
    public async Task RTL6d_a_NACK_of_a_bundle_fails_every_publish_in_it_with_the_error()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publishes = InOneTurn(h, () => new[] { Send(h, "chat", new Message("a", "1")), Send(h, "chat", new Message("b", "2")) });

        transport.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 1, Error = new ErrorInfo(40160, 401, "not permitted") });
        h.Pump(1);
        foreach (var publish in publishes)
        {
            var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
            Assert.That(ex!.Code, Is.EqualTo(40160));
        }
    }

    [Test]
    public async Task RTL6d3_RTL6d5_only_contiguous_publishes_on_one_channel_are_bundled()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        InOneTurn(h, () => new[]
        {
            Send(h, "one", new Message("a", "1")),
            Send(h, "one", new Message("b", "2")),
            Send(h, "two", new Message("c", "3")),
            Send(h, "one", new Message("d", "4")),
        });

        var frames = transport.SentOf(ProtocolAction.Message).ToList();
        Assert.That(frames.Select(f => f.Channel), Is.EqualTo(new[] { "one", "two", "one" }));
        Assert.That(frames.Select(f => string.Concat(f.Messages!.Select(m => m.Name))), Is.EqualTo(new[] { "ab", "c", "d" }));
        Assert.That(frames.Select(f => f.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }));
    }

    [Test]
    public async Task RTL6d2_publishes_with_different_clientIds_are_not_bundled()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        InOneTurn(h, () => new[]
        {
            Send(h, "chat", new Message("a", "1") { ClientId = "alice" }),
            Send(h, "chat", new Message("b", "2") { ClientId = "alice" }),
            Send(h, "chat", new Message("c", "3") { ClientId = "bob" }),
            Send(h, "chat", new Message("d", "4")),
            Send(h, "chat", new Message("e", "5") { ClientId = "bob" }, new Message("f", "6") { ClientId = "carol" }),
            Send(h, "chat", new Message("g", "7") { ClientId = "bob" }),
        });

        var frames = transport.SentOf(ProtocolAction.Message).Select(f => string.Concat(f.Messages!.Select(m => m.Name))).ToList();
        Assert.That(frames, Is.EqualTo(new[] { "ab", "c", "d", "ef", "g" }), "a publish with mixed clientIds travels alone (RTL6i2 atomicity kept)");
    }

    [Test]
    public async Task RTL6d7_a_publish_with_ids_of_its_own_is_never_bundled()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        InOneTurn(h, () => new[]
        {
            Send(h, "chat", new Message("a", "1")),
            Send(h, "chat", new Message("b", "2") { Id = "mine:0" }),
            Send(h, "chat", new Message("c", "3")),
            Send(h, "chat", new Message("d", "4")),
        });

        var frames = transport.SentOf(ProtocolAction.Message).ToList();
        Assert.That(frames.Select(f => string.Concat(f.Messages!.Select(m => m.Name))), Is.EqualTo(new[] { "a", "b", "cd" }));
        Assert.That(frames[1].Messages![0].Id, Is.EqualTo("mine:0"), "the caller's id is kept");
    }

    [Test]
    public async Task RTL6d_idempotent_ids_are_assigned_per_frame_one_base_indexed_across_the_bundle()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        InOneTurn(h, () => new[] { Send(h, "chat", new Message("a", "1")), Send(h, "chat", new Message("b", "2"), new Message("c", "3")) });

        var ids = transport.SentOf(ProtocolAction.Message).Single().Messages!.Select(m => m.Id!).ToList();
        var bases = ids.Select(id => id[..id.LastIndexOf(':')]).Distinct().ToList();
        Assert.That(bases, Has.Count.EqualTo(1), "RSL1k1: one base for the frame");
        Assert.That(bases[0], Has.Length.GreaterThanOrEqualTo(12), "9 random bytes, url-safe base64");
        Assert.That(ids.Select(id => id[(id.LastIndexOf(':') + 1)..]), Is.EqualTo(new[] { "0", "1", "2" }));
    }

    [Test]
    public async Task Without_IdempotentRealtimePublishing_bundled_messages_carry_no_ids()
    {
        await using var h = new RealtimeHarness(o => o with { IdempotentRealtimePublishing = false });
        var transport = h.ConnectNow();
        InOneTurn(h, () => new[] { Send(h, "chat", new Message("a", "1")), Send(h, "chat", new Message("b", "2")) });

        var frame = transport.SentOf(ProtocolAction.Message).Single();
        Assert.That(frame.Messages!.Select(m => m.Id), Is.All.Null);
    }

    [Test]
    public async Task RTL6d1_a_bundle_stays_within_maxMessageSize()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow(details: new ConnectionDetails { MaxMessageSize = 250, ConnectionStateTtl = TimeSpan.FromMinutes(2), MaxIdleInterval = TimeSpan.FromSeconds(15) });
        var data = new string('x', 99);
        InOneTurn(h, () => Enumerable.Range(0, 5).Select(i => Send(h, "chat", new Message("m" + i, data))).ToArray());

        // Each message is 2 (name) + 99 (data) = 101 bytes: two fit in 250, a third does not.
        var frames = transport.SentOf(ProtocolAction.Message).Select(f => f.Messages!.Length).ToList();
        Assert.That(frames, Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(transport.SentOf(ProtocolAction.Message).All(f => ConnectionLoopSize(f) <= 250), Is.True);
    }

    [Test]
    public async Task RTL6d8_a_bundle_carries_at_most_999_messages()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        InOneTurn(h, () => Enumerable.Range(0, 1200).Select(i => Send(h, "chat", new Message(null, "x"))).ToArray());

        Assert.That(transport.SentOf(ProtocolAction.Message).Select(f => f.Messages!.Length), Is.EqualTo(new[] { 999, 201 }));
    }

    [Test]
    public async Task RTL6d4_presence_frames_are_not_bundled()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        InOneTurn(h, () => new[]
        {
            h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Presence, "chat") { Presence = [new PresenceMessage { Action = PresenceAction.Enter, ClientId = "a" }] }),
            h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Presence, "chat") { Presence = [new PresenceMessage { Action = PresenceAction.Update, ClientId = "a" }] }),
        });

        Assert.That(transport.SentOf(ProtocolAction.Presence).Select(f => f.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }));
    }

    [Test]
    public async Task Without_BundlePublishes_every_publish_is_its_own_frame()
    {
        await using var h = new RealtimeHarness(o => o with { BundlePublishes = false });
        var transport = h.ConnectNow();
        InOneTurn(h, () => Enumerable.Range(0, 3).Select(i => Send(h, "chat", new Message("m" + i, "x"))).ToArray());

        Assert.That(transport.SentOf(ProtocolAction.Message).Select(f => f.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }));
    }

    [Test]
    public async Task A_frame_sent_in_the_same_turn_goes_out_after_the_publishes_staged_before_it()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        h.Loop.Post(() =>
        {
            _ = Send(h, "chat", new Message("a", "1"));
            h.Loop.TrySendNow(new ProtocolMessage(ProtocolAction.Detach, "chat"));
            _ = Send(h, "chat", new Message("b", "2"));
        });
        h.Pump(1);

        var order = transport.Sent.Where(f => f.Action is ProtocolAction.Message or ProtocolAction.Detach)
            .Select(f => f.Action == ProtocolAction.Detach ? "DETACH" : string.Concat(f.Messages!.Select(m => m.Name)))
            .ToList();
        Assert.That(order, Is.EqualTo(new[] { "a", "DETACH", "b" }), "wire order is submission order");
    }

    [Test]
    public async Task RTN19a_a_bundle_is_resent_whole_with_the_same_ids_and_renumbered_after_a_failed_resume()
    {
        await using var h = new RealtimeHarness();
        var first = h.ConnectNow();
        _ = h.Publish("before");
        h.Pump(1);
        var publishes = InOneTurn(h, () => new[] { Send(h, "chat", new Message("a", "1")), Send(h, "chat", new Message("b", "2")) });
        var bundle = first.SentOf(ProtocolAction.Message).Last();
        var ids = bundle.Messages!.Select(m => m.Id).ToList();
        Assert.That(bundle.MsgSerial, Is.EqualTo(1));

        first.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        first.Drop();
        h.Pump();
        h.Transport.Connected("conn-2", "key-2", error: new ErrorInfo(80008, 400, "unable to recover"));
        h.Pump();

        var resent = h.Transport.SentOf(ProtocolAction.Message).Single();
        Assert.That(resent.Messages!.Select(m => m.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(resent.Messages!.Select(m => m.Id), Is.EqualTo(ids), "the same ids, so the server can drop a copy it already has");
        Assert.That(resent.MsgSerial, Is.EqualTo(0), "RTN19a2: renumbered from 0 on the new connection");

        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        h.Pump(1);
        Assert.That(publishes.All(p => p.IsCompletedSuccessfully), Is.True);
    }

    private static Task<PublishResult?>[] InOneTurn(RealtimeHarness h, Func<Task<PublishResult?>[]> publish)
    {
        Task<PublishResult?>[]? tasks = null;
        h.Loop.Post(() => tasks = publish());
        h.Pump(1);
        Assert.That(tasks, Is.Not.Null, "the turn ran");
        return tasks!;
    }

    private static Task<PublishResult?> Send(RealtimeHarness h, string channel, params Message[] messages) =>
        h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, channel) { Messages = messages });

    private static long ConnectionLoopSize(ProtocolMessage frame) => Reliably.Rx.Realtime.ConnectionLoop.MessageSize(frame);
}
