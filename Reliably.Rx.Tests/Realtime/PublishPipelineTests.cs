using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>The publish pipeline: msgSerial, ACK/NACK ranges, queueing and failure rules (RTN7, RTN19a, RTL6c2, TO3l8).</summary>
[TestFixture]
public sealed class PublishPipelineTests
{
    [Test]
    public async Task RTN7a_msgSerial_counts_ProtocolMessages_from_0()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        _ = h.Publish();
        _ = h.Publish();
        _ = h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Presence, "chat") { Presence = [new PresenceMessage()] });
        var attach = h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Attach, "chat"));
        h.Pump(1);
        Assert.That(transport.Sent.Where(m => m.Action is ProtocolAction.Message or ProtocolAction.Presence).Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }));
        Assert.That(transport.SentOf(ProtocolAction.Attach).Single().MsgSerial, Is.Null, "ATTACH carries no msgSerial");
        Assert.That(attach.IsCompletedSuccessfully, Is.True, "non-ackable frames complete once written");
    }

    [Test]
    public async Task RTN7b_ACK_and_NACK_complete_by_range_with_res_skipped_serials_and_overlaps()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publishes = Enumerable.Range(0, 6).Select(_ => h.Publish()).ToArray();
        h.Pump(1);

        transport.Receive(new ProtocolMessage(ProtocolAction.Ack)
        {
            MsgSerial = 0,
            Count = 2,
            Res = [new PublishResult { Serials = ["s0"] }, new PublishResult { Serials = ["s1"] }],
        });
        transport.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 2, Count = 1, Error = new ErrorInfo(40160, 401, "not permitted") });

        // Serial 3 is skipped by the next ACK: an implicit NACK.
        transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 4, Count = 1 });

        // An overlapping ACK for serials already completed is ignored.
        transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 5 });
        h.Pump(1);

        Assert.That((await publishes[0]).Serials, Is.EqualTo(new[] { "s0" }));
        Assert.That((await publishes[1]).Serials, Is.EqualTo(new[] { "s1" }));
        var nack = Assert.ThrowsAsync<AblyException>(async () => await publishes[2]);
        Assert.That(nack!.Code, Is.EqualTo(40160));
        Assert.That(publishes[3].IsFaulted, Is.True, "skipped serial");
        Assert.That((await publishes[4]).Serials, Is.Empty, "ACK without res: a result without serials");
        Assert.That(publishes[5].IsCompleted, Is.False, "serial 5 not acknowledged yet");

        transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 5, Count = 1 });
        h.Pump(1);
        Assert.That(publishes[5].IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task RTL6c2_RTL6i1_queued_publishes_go_out_one_frame_each_in_order()
    {
        await using var h = new RealtimeHarness();
        var early = h.Publish("early");
        h.Connection.Connect();
        h.Pump();
        _ = h.Publish("during");
        h.Pump();

        h.Transport.Connected();
        h.Pump();
        var sent = h.Transport.SentOf(ProtocolAction.Message).ToList();
        Assert.That(sent.Select(m => m.Messages![0].Name), Is.EqualTo(new[] { "early", "during" }));
        Assert.That(sent.Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }));
        Assert.That(early.IsCompleted, Is.False);
    }

    [Test]
    public async Task RTN7d_without_queueMessages_publishing_while_not_connected_fails_at_once()
    {
        await using var h = new RealtimeHarness(o => o with { QueueMessages = false });
        var publish = h.Publish();
        h.Pump(1);
        Assert.That(publish.IsFaulted, Is.True);
        Assert.That(((AblyException)publish.Exception!.GetBaseException()).Code, Is.EqualTo(ErrorCodes.Disconnected));
    }

    [Test]
    public async Task RTN7d_without_queueMessages_pending_messages_fail_on_DISCONNECTED()
    {
        await using var h = new RealtimeHarness(o => o with { QueueMessages = false });
        var transport = h.ConnectNow();
        var publish = h.Publish();
        h.Pump(1);
        transport.Drop();
        h.Pump(1);
        Assert.That(publish.IsFaulted, Is.True);
    }

    [Test]
    public async Task RTN7e_pending_messages_fail_on_CLOSED()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publish = h.Publish();
        h.Pump(1);
        _ = h.Connection.CloseAsync();
        h.Pump(1);
        transport.Receive(new ProtocolMessage(ProtocolAction.Closed));
        h.Pump(1);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
        var after = h.Publish();
        h.Pump(1);
        Assert.That(after.IsFaulted, Is.True, "no queueing in CLOSED");
    }

    [Test]
    public async Task RTN7e_pending_messages_fail_on_FAILED_with_the_reason()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publish = h.Publish();
        h.Pump(1);
        transport.Receive(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40101, 401, "Invalid credentials") });
        h.Pump(1);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
        Assert.That(ex!.Code, Is.EqualTo(40101));
    }

    [Test]
    public async Task RTN7e_pending_messages_fail_on_SUSPENDED_but_survive_DISCONNECTED()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publish = h.Publish();
        h.Pump(1);
        h.Transports.OnConnect = t => t.Refuse();
        transport.Drop();
        h.Advance(TimeSpan.FromSeconds(60));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(publish.IsCompleted, Is.False, "DISCONNECTED keeps pending messages for resend");
        h.Advance(TimeSpan.FromSeconds(61));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Suspended));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ConnectionSuspended));
    }

    [Test]
    public async Task TO3l8_maxMessageSize_from_connectionDetails_rejects_with_40009_before_sending()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow(details: new ConnectionDetails { MaxMessageSize = 16, ConnectionStateTtl = TimeSpan.FromMinutes(2), MaxIdleInterval = TimeSpan.FromSeconds(15) });
        var small = h.Publish("n", "0123456789");
        var big = h.Publish("n", new string('x', 17));
        h.Pump(1);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await big);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(transport.SentOf(ProtocolAction.Message).Count(), Is.EqualTo(1));
        Assert.That(small.IsFaulted, Is.False);
    }

    [Test]
    public async Task A_frame_that_cannot_be_encoded_fails_its_publish_without_killing_the_loop()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        transport.FailSend = m => m.Action == ProtocolAction.Attach ? new AblyException(ErrorCodes.BadRequest, 400, "cannot encode") : null;
        var attach = h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Attach, "chat"));
        h.Pump(1);
        Assert.That(attach.IsFaulted, Is.True);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task The_outcome_observer_runs_on_the_loop_before_the_publish_task_completes()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var observer = new RecordingOutcome(h);
        var acked = h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, "chat") { Messages = [new Message("a", "1")] }, observer, h.Scheduler.Now, size: 2);
        var nacked = h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, "other") { Messages = [new Message("b", "2")] }, observer, h.Scheduler.Now, size: 2);
        h.Pump(1);
        transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        transport.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 1, Count = 1, Error = new ErrorInfo(40160, 401, "no") });
        h.Pump(1);

        await acked;
        Assert.ThrowsAsync<AblyException>(async () => await nacked);
        Assert.That(observer.Seen, Is.EqualTo(new[] { ("chat", (int?)null, false, true), ("other", (int?)40160, false, true) }),
            "(channel, error code, task already completed, on the loop) for each outcome, in order");
    }

    private sealed class RecordingOutcome(RealtimeHarness h) : IPublishOutcome
    {
        public List<(string? Channel, int? Code, bool TaskCompleted, bool OnLoop)> Seen { get; } = new();

        public void OnPublishOutcome(PendingMessage pending, ErrorInfo? error) =>
            Seen.Add((pending.Message.Channel, error?.Code, pending.Task.IsCompleted, h.Loop.IsOnLoop));
    }

    [Test]
    public async Task RTN7_MaxPendingPublishes_refuses_a_publish_beyond_the_bound_with_42910_and_accepts_again_after_an_ACK()
    {
        await using var h = new RealtimeHarness(o => o with { MaxPendingPublishes = 2 });
        var transport = h.ConnectNow();
        var first = h.Publish();
        var second = h.Publish();
        var refused = h.Publish();
        var attach = h.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Attach, "chat"));
        h.Pump(1);

        var error = Assert.ThrowsAsync<AblyException>(async () => await refused);
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.RateLimitExceeded));
        Assert.That(attach.IsCompletedSuccessfully, Is.True, "frames that need no ACK are not counted");
        Assert.That(transport.SentOf(ProtocolAction.Message).Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }), "nothing sent for the refused publish");

        transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        var third = h.Publish();
        h.Pump(1);
        Assert.That(first.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.SentOf(ProtocolAction.Message).Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }));
        Assert.That(third.IsCompleted, Is.False, "accepted, awaiting its ACK");
        Assert.That(second.IsCompleted, Is.False);
    }

    [Test]
    public async Task RTL6c2_MaxPendingPublishes_counts_publishes_queued_while_connecting()
    {
        await using var h = new RealtimeHarness(o => o with { MaxPendingPublishes = 1 });
        var queued = h.Publish();
        var refused = h.Publish();
        h.Pump(1);
        Assert.That(Assert.ThrowsAsync<AblyException>(async () => await refused)!.Code, Is.EqualTo(ErrorCodes.RateLimitExceeded));
        var transport = h.ConnectNow();
        h.Pump(1);
        Assert.That(transport.SentOf(ProtocolAction.Message).Count(), Is.EqualTo(1), "the queued publish is sent once connected");
        Assert.That(queued.IsCompleted, Is.False);
    }

    [Test]
    public async Task RTL6c2_MaxPendingPublishes_does_not_count_an_ATTACH_waiting_for_the_connection()
    {
        await using var h = new RealtimeHarness(o => o with { MaxPendingPublishes = 1 });
        _ = h.Client.Channels.Get("chat").AttachAsync();
        h.Pump();
        var publish = h.Publish();
        h.Pump(1);
        Assert.That(publish.IsFaulted, Is.False, "one publish held, within the bound");
        var transport = h.ConnectNow();
        h.Pump();
        Assert.That(transport.SentOf(ProtocolAction.Attach).Count(), Is.EqualTo(1));
        Assert.That(transport.SentOf(ProtocolAction.Message).Count(), Is.EqualTo(1));
    }

    [Test]
    public void MaxPendingPublishes_below_1_is_rejected_with_40003()
    {
        var error = Assert.Throws<AblyException>(() => new AblyRealtime(new ClientOptions("app.key:secret") { AutoConnect = false, MaxPendingPublishes = 0 }));
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }
}
