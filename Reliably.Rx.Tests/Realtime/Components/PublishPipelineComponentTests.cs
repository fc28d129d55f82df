using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

/// <summary>The <see cref="PublishPipeline"/> on its own: the loop's state is an argument, the transport a fake.</summary>
[TestFixture]
public sealed class PublishPipelineComponentTests
{
    private static PublishPipeline Pipeline(ComponentRig rig, long msgSerial = 0) => new(rig.Transport, rig.Options, NullLogger.Instance, msgSerial);

    [Test]
    public void RTN7b_a_publish_when_connected_gets_the_next_msgSerial_and_is_written_at_once()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pipeline = Pipeline(rig, msgSerial: 7);
        var first = ComponentRig.Pending();
        var second = ComponentRig.Pending();
        pipeline.Submit(first, ConnectionState.Connected, 65_536, null);
        pipeline.Submit(second, ConnectionState.Connected, 65_536, null);

        Assert.That(fake.Sent.Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 7, 8 }));
        Assert.That(pipeline.MsgSerial, Is.EqualTo(9));
        Assert.That(pipeline.AwaitingAck, Is.EqualTo(2));
    }

    [Test]
    public void RTN7a_RTN7b_a_publish_that_cannot_be_encoded_fails_with_the_encoders_error_and_spends_no_msgSerial()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pipeline = Pipeline(rig, msgSerial: 3);

        // The encoder refuses the frame when it is written (40013), after the caller's checks passed.
        fake.FailSend = m => m.Messages?[0].Name == "bad" ? new AblyException(40013, 400, "cannot encode") : null;
        var refused = ComponentRig.Pending(ComponentRig.Publish("bad"));
        var next = ComponentRig.Pending();
        pipeline.Submit(refused, ConnectionState.Connected, 65_536, null);
        pipeline.Submit(next, ConnectionState.Connected, 65_536, null);

        Assert.That(refused.Task.IsFaulted, Is.True, "failed at once, not left awaiting an ACK");
        var error = refused.Task.Exception!.InnerException as AblyException;
        Assert.That(error?.Code, Is.EqualTo(40013), "the encoder's error, not a serial the server skipped");
        Assert.That(fake.Sent.Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 3 }), "no gap in the serials the server sees");
        Assert.That(pipeline.AwaitingAck, Is.EqualTo(1));

        pipeline.OnAck(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 3, Count = 1 }, nack: false);
        Assert.That(next.Task.IsCompletedSuccessfully, Is.True);
        Assert.That(pipeline.MsgSerial, Is.EqualTo(4));
    }

    [Test]
    public void RTN7a_frames_that_need_no_ACK_complete_once_written_without_a_msgSerial()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pipeline = Pipeline(rig);
        var attach = ComponentRig.Pending(new ProtocolMessage(ProtocolAction.Attach, "chat"));
        pipeline.Submit(attach, ConnectionState.Connected, 65_536, null);

        Assert.That(attach.Task.IsCompletedSuccessfully, Is.True);
        Assert.That(fake.Sent.Single().MsgSerial, Is.Null);
        Assert.That(pipeline.MsgSerial, Is.Zero);
    }

    [Test]
    public void RTL6c2_queued_while_connecting_then_sent_in_order_with_channel_turns_on_CONNECTED()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport(connected: false);
        var pipeline = Pipeline(rig);
        var order = new List<string>();
        pipeline.Submit(ComponentRig.Pending(ComponentRig.Publish("a")), ConnectionState.Connecting, 65_536, null);
        pipeline.SendInTurn(new Turn(order, "attach"), connected: false);
        pipeline.Submit(ComponentRig.Pending(ComponentRig.Publish("b")), ConnectionState.Connecting, 65_536, null);
        Assert.That(fake.Sent, Is.Empty, "nothing goes out before CONNECTED");
        Assert.That(pipeline.Queued, Is.EqualTo(3));

        rig.Transport.Connected = true;
        pipeline.SendQueued();
        Assert.That(fake.Sent.Select(m => m.Messages![0].Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(fake.Sent.Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }));
        Assert.That(order, Is.EqualTo(new[] { "attach:True" }));
        Assert.That(pipeline.Queued, Is.Zero);
    }

    [Test]
    public void RTN7d_without_queueMessages_a_publish_while_disconnected_fails_at_once()
    {
        var rig = new ComponentRig(o => o with { QueueMessages = false });
        var pipeline = Pipeline(rig);
        var pending = ComponentRig.Pending();
        pipeline.Submit(pending, ConnectionState.Disconnected, 65_536, null);
        var error = Assert.ThrowsAsync<AblyException>(async () => await pending.Task);
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.Disconnected));
    }

    [Test]
    public void RTN7e_in_FAILED_a_publish_fails_with_the_connections_reason()
    {
        var rig = new ComponentRig();
        var pipeline = Pipeline(rig);
        var pending = ComponentRig.Pending();
        pipeline.Submit(pending, ConnectionState.Failed, 65_536, new ErrorInfo(40101, 401, "wrong key"));
        var error = Assert.ThrowsAsync<AblyException>(async () => await pending.Task);
        Assert.That(error!.Code, Is.EqualTo(40101));
    }

    [Test]
    public void TO3l8_a_publish_over_the_connections_maxMessageSize_fails_as_too_large()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pipeline = Pipeline(rig);
        var pending = ComponentRig.Pending();
        pipeline.Submit(pending, ConnectionState.Connected, maxMessageSize: 5, null);
        var error = Assert.ThrowsAsync<AblyException>(async () => await pending.Task);
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(fake.Sent, Is.Empty);
    }

    [Test]
    public void MaxPendingPublishes_refuses_a_publish_beyond_the_bound_but_not_channel_turns()
    {
        var rig = new ComponentRig(o => o with { MaxPendingPublishes = 2 });
        var pipeline = Pipeline(rig);
        var order = new List<string>();
        pipeline.SendInTurn(new Turn(order, "attach"), connected: false);
        pipeline.Submit(ComponentRig.Pending(), ConnectionState.Connecting, 65_536, null);
        pipeline.Submit(ComponentRig.Pending(), ConnectionState.Connecting, 65_536, null);
        var third = ComponentRig.Pending();
        pipeline.Submit(third, ConnectionState.Connecting, 65_536, null);
        var error = Assert.ThrowsAsync<AblyException>(async () => await third.Task);
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.RateLimitExceeded));
        Assert.That(pipeline.Queued, Is.EqualTo(3), "the channel's turn does not count against the bound");
    }

    [Test]
    public async Task RTN7b_ACK_and_NACK_by_range_and_serials_never_sent_are_ignored()
    {
        var rig = new ComponentRig();
        rig.OpenTransport();
        var pipeline = Pipeline(rig);
        var pending = Enumerable.Range(0, 3).Select(_ => ComponentRig.Pending()).ToArray();
        foreach (var p in pending)
        {
            pipeline.Submit(p, ConnectionState.Connected, 65_536, null);
        }

        pipeline.OnAck(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 5, Count = 1 }, nack: false);
        Assert.That(pipeline.AwaitingAck, Is.EqualTo(3), "an ACK for serials never sent fails nothing");

        pipeline.OnAck(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 1, Count = 1, Res = [new PublishResult { Serials = ["s1"] }] }, nack: false);
        Assert.That(pending[0].Task.IsFaulted, Is.True, "serial 0 was skipped: an implicit NACK");
        Assert.That((await pending[1].Task).Serials, Is.EqualTo(new[] { "s1" }));

        pipeline.OnAck(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 2, Count = 1, Error = new ErrorInfo(40160, 401, "denied") }, nack: true);
        var error = Assert.ThrowsAsync<AblyException>(async () => await pending[2].Task);
        Assert.That(error!.Code, Is.EqualTo(40160));
        Assert.That(pipeline.AwaitingAck, Is.Zero);
    }

    [Test]
    public void RTN19a_unacknowledged_publishes_are_renumbered_from_0_and_resent_on_a_new_transport()
    {
        var rig = new ComponentRig();
        rig.OpenTransport();
        var pipeline = Pipeline(rig, msgSerial: 40);
        pipeline.Submit(ComponentRig.Pending(), ConnectionState.Connected, 65_536, null);
        pipeline.Submit(ComponentRig.Pending(), ConnectionState.Connected, 65_536, null);

        var fresh = rig.OpenTransport(connected: false);
        pipeline.RenumberPending();
        pipeline.ResendPending();
        Assert.That(fresh.Sent.Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }));
        Assert.That(pipeline.MsgSerial, Is.EqualTo(2));
    }

    [Test]
    public void RTN19a_a_publish_committed_while_not_connected_waits_for_the_resend()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pipeline = Pipeline(rig);
        pipeline.Submit(ComponentRig.Pending(), ConnectionState.Connecting, 65_536, null);
        rig.Transport.Connected = false;
        pipeline.SendQueued();
        Assert.That(fake.Sent, Is.Empty, "the transport is not CONNECTED: the frame waits for the resend");
        Assert.That(pipeline.AwaitingAck, Is.EqualTo(1));
    }

    [Test]
    public void RTN7e_FailAll_fails_pending_and_queued_and_tells_queued_turns()
    {
        var rig = new ComponentRig();
        rig.OpenTransport();
        var pipeline = Pipeline(rig);
        var sent = ComponentRig.Pending();
        pipeline.Submit(sent, ConnectionState.Connected, 65_536, null);
        rig.Transport.Connected = false;
        var queued = ComponentRig.Pending();
        pipeline.Submit(queued, ConnectionState.Disconnected, 65_536, null);
        var order = new List<string>();
        pipeline.SendInTurn(new Turn(order, "attach"), connected: false);

        pipeline.FailAll(new ErrorInfo(80002, 400, "suspended"));
        Assert.That(sent.Task.IsFaulted && queued.Task.IsFaulted, Is.True);
        Assert.That(order, Is.EqualTo(new[] { "attach:False" }));
        Assert.That(pipeline.AwaitingAck + pipeline.Queued, Is.Zero);
    }

    [Test]
    public void RTN11d_ResetSerial_starts_a_new_connection_at_0()
    {
        var rig = new ComponentRig();
        var pipeline = Pipeline(rig, msgSerial: 12);
        pipeline.ResetSerial();
        Assert.That(pipeline.MsgSerial, Is.Zero);
    }

    private sealed class Turn(List<string> log, string name) : IConnectedTurn
    {
        public void OnTurn(bool connected) => log.Add($"{name}:{connected}");
    }
}
