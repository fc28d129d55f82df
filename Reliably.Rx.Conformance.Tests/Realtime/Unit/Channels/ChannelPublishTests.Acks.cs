using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>channel_publish.md, second part: the publish's outcome (RTL6j, RTN7) and what is sent again after a new transport (RTN19).</summary>
public sealed partial class ChannelPublishTests
{
    // UTS: realtime/unit/RTL6j/publish-result-serials-0
    [Test]
    [Divergence("RealtimeChannel.PublishAsync returned a plain Task; it now returns the PublishResult of the ACK's res entry (serials in message order).")]
    public async Task RTL6j_PBR1_PBR2a_TR4s_TR4g_RTN7b_PublishReturnsPublishResultWithSerialsFromAck()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6j", Capturing(captured, (_, msg) => ChannelMocks.AckWithSerials(msg.MsgSerial!.Value, "abc123")));

        var result = f.Scheduler.Await(f.Channel.PublishAsync("greeting", "hello"));

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(captured[0].MsgSerial, Is.EqualTo(0));
        Assert.That(result, Is.InstanceOf<PublishResult>());
        Assert.That(result.Serials, Is.EqualTo(new[] { "abc123" }));
    }

    // UTS: realtime/unit/RTL6j/batch-publish-serials-1
    [Test]
    [Divergence("RealtimeChannel.PublishAsync returned a plain Task; it now returns one serial per published message, null for a conflated one.")]
    public async Task RTL6j_PublishReturnsPublishResultWithMultipleSerialsForBatchPublish()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6j-batch", Capturing(captured, (_, msg) => ChannelMocks.AckWithSerials(msg.MsgSerial!.Value, "serial-1", null, "serial-3")));

        var result = f.Scheduler.Await(f.Channel.PublishAsync([new Message("event1", "data1"), new Message("event2", "data2"), new Message("event3", "data3")]));

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(captured[0].Messages, Has.Count.EqualTo(3));
        Assert.That(result, Is.InstanceOf<PublishResult>());
        Assert.That(result.Serials, Is.EqualTo(new[] { "serial-1", null, "serial-3" }), "null: a conflated message");
    }

    // UTS: realtime/unit/RTL6j/incrementing-msg-serial-2
    [Test]
    [Divergence("RealtimeChannel.PublishAsync returned a plain Task; each publish now resolves with the PublishResult of its own ACK.")]
    public async Task RTL6j_SequentialPublishesGetIncrementingMsgSerial()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6j-serial", Capturing(captured, (_, msg) => ChannelMocks.AckWithSerials(msg.MsgSerial!.Value, "serial-" + msg.MsgSerial)));

        var result1 = f.Scheduler.Await(f.Channel.PublishAsync("first", "1"));
        var result2 = f.Scheduler.Await(f.Channel.PublishAsync("second", "2"));
        var result3 = f.Scheduler.Await(f.Channel.PublishAsync("third", "3"));

        Assert.That(captured.Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }));
        Assert.That(result1.Serials[0], Is.EqualTo("serial-0"));
        Assert.That(result2.Serials[0], Is.EqualTo("serial-1"));
        Assert.That(result3.Serials[0], Is.EqualTo("serial-2"));
    }

    // UTS: realtime/unit/RTL6j/nack-results-error-3
    [Test]
    public async Task RTL6j_RTN7a_PublishNackResultsInError()
    {
        await using var f = Attached("test-RTL6j-nack", Capturing([], (_, msg) => ProtocolFrame.Nack(msg.MsgSerial!.Value, 1, new ErrorInfo(40160, 401, "Publish rejected"))));

        var error = f.Scheduler.AwaitFailure(f.Channel.PublishAsync("rejected", "data"));

        Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(error.ErrorInfo.Message, Is.EqualTo("Publish rejected"));
    }

    // UTS: realtime/unit/RTN7e/pending-fail-suspended-0
    [Test]
    public async Task RTN7e_PendingPublishesFailWhenConnectionEntersSuspended()
    {
        await using var f = Attached(
            "test-RTN7e-suspended",
            Capturing([]),
            o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(1000), ConnectionStateTtl = TimeSpan.FromMilliseconds(5000) });

        // Not acknowledged: it stays pending.
        var publish = f.Channel.PublishAsync("pending", "data");
        f.Server.OnConnectionAttempt = c => c.Refuse();
        f.Server.LastConnection!.Drop();
        for (var i = 0; i < 15 && f.Client.Connection.State != ConnectionState.Suspended; i++)
        {
            f.Scheduler.AdvanceTime(2000);
        }

        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Suspended);
        var error = f.Scheduler.AwaitFailure(publish);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTN7e/pending-fail-closed-1
    [Test]
    public async Task RTN7e_PendingPublishesFailWhenConnectionEntersClosed()
    {
        await using var f = Attached("test-RTN7e-closed", Capturing([]));

        var publish = f.Channel.PublishAsync("pending", "data");
        f.Scheduler.Await(f.Client.Connection.CloseAsync());
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Closed));
        var error = f.Scheduler.AwaitFailure(publish);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTN7e/pending-fail-failed-2
    [Test]
    public async Task RTN7e_PendingPublishesFailWhenConnectionEntersFailed()
    {
        var fatal = ProtocolFrame.Parse("""{"action":9,"error":{"code":80000,"message":"Fatal error"}}""");
        await using var f = Attached("test-RTN7e-failed", Capturing([], (c, _) =>
        {
            // No ACK: a fatal ERROR instead, which closes the connection.
            c.SendAndClose(fatal);
            return null;
        }));

        var publish = f.Channel.PublishAsync("pending", "data");
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Failed);
        var error = f.Scheduler.AwaitFailure(publish);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTN7e/multiple-pending-fail-3
    [Test]
    public async Task RTN7e_MultiplePendingPublishesAllFailOnStateChange()
    {
        await using var f = Attached("test-RTN7e-multi", Capturing([]));

        var publish1 = f.Channel.PublishAsync("msg1", "data1");
        var publish2 = f.Channel.PublishAsync("msg2", "data2");
        var publish3 = f.Channel.PublishAsync("msg3", "data3");
        f.Scheduler.Await(f.Client.Connection.CloseAsync());

        Assert.That(f.Scheduler.AwaitFailure(publish1), Is.Not.Null);
        Assert.That(f.Scheduler.AwaitFailure(publish2), Is.Not.Null);
        Assert.That(f.Scheduler.AwaitFailure(publish3), Is.Not.Null);
    }

    // UTS: realtime/unit/RTN7e/error-represents-reason-4
    [Test]
    public async Task RTN7e_ErrorPassedToPublishRepresentsReasonForStateChange()
    {
        await using var f = Attached("test-RTN7e-error-reason", Capturing([], (c, _) =>
        {
            c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(80019, 400, "Connection closed due to admin action")));
            return null;
        }));

        var publish = f.Channel.PublishAsync("pending", "data");
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Failed);
        var error = f.Scheduler.AwaitFailure(publish);

        Assert.That(error.Code, Is.EqualTo(80019));
        Assert.That(error.StatusCode, Is.EqualTo(400));
        Assert.That(error.ErrorInfo.Message, Is.EqualTo("Connection closed due to admin action"));
        Assert.That(f.Client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(f.Client.Connection.ErrorReason!.Code, Is.EqualTo(80019));
    }

    // UTS: realtime/unit/RTN7d/fail-disconnected-no-queue-0
    [Test]
    public async Task RTN7d_PendingPublishesFailOnDisconnectedWhenQueueMessagesIsFalse()
    {
        await using var f = Attached("test-RTN7d", Capturing([]), o => o with { QueueMessages = false });

        var publish = f.Channel.PublishAsync("pending", "data");
        f.Server.LastConnection!.Drop();
        var stateChanges = f.Client.Connection.Record();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Disconnected);
        var error = f.Scheduler.AwaitFailure(publish);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    /// <summary>The spec's connection_count handler: MESSAGEs are recorded with the connection they came on, and acknowledged from the second on.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> AckFromSecondConnection(List<(ProtocolFrame Msg, int Connection)> captured, string serial) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
            else if (msg.Action == ProtocolAction.Message)
            {
                captured.Add((msg, c.Index + 1));
                if (c.Index >= 1)
                {
                    c.Send(ChannelMocks.AckWithSerials(msg.MsgSerial!.Value, serial));
                }
            }
        };

    // UTS: realtime/unit/RTN7d/survive-disconnected-queue-1
    [Test]
    public async Task RTN7d_PendingPublishesSurviveDisconnectedWhenQueueMessagesIsTrue()
    {
        await using var f = Attached("test-RTN7d-default", AckFromSecondConnection([], "serial-ack"));

        var publish = f.Channel.PublishAsync("pending", "data");
        f.Server.LastConnection!.Drop();
        f.Scheduler.AdvanceTime(2000);
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        var result = f.Scheduler.Await(publish);

        Assert.That(result, Is.InstanceOf<PublishResult>());
        Assert.That(result.Serials[0], Is.EqualTo("serial-ack"));
    }

    // UTS: realtime/unit/RTN19a/resent-on-new-transport-0
    [Test]
    public async Task RTN19a_PendingMessagesResentOnNewTransportAfterDisconnect()
    {
        var captured = new List<(ProtocolFrame Msg, int Connection)>();
        await using var f = Attached("test-RTN19a", AckFromSecondConnection(captured, "serial-resent"));

        var publish = f.Channel.PublishAsync("resend-me", "data");
        f.Scheduler.ProcessPendingEvents();
        Assert.That(captured.Count(m => m.Connection == 1), Is.EqualTo(1), "sent on the first transport");
        f.Server.LastConnection!.Drop();
        f.Scheduler.AdvanceTime(2000);
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        var result = f.Scheduler.Await(publish);

        var second = captured.Where(m => m.Connection == 2).ToList();
        Assert.That(second, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(FirstMessage(second[0].Msg).Value<string>("name"), Is.EqualTo("resend-me"));
        Assert.That(result, Is.InstanceOf<PublishResult>());
        Assert.That(result.Serials[0], Is.EqualTo("serial-resent"));
    }

    // UTS: realtime/unit/RTN19a2/same-serial-on-resume-0
    [Test]
    public async Task RTN19a2_RTN15c6_ResentMessagesKeepSameMsgSerialOnSuccessfulResume()
    {
        var captured = new List<(ProtocolFrame Msg, int Connection)>();
        await using var f = Attached("test-RTN19a2-resume", AckFromSecondConnection(captured, "serial-resumed"));

        // Every connection is the same connection resumed (RTN15c6).
        f.Server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-abc", "key-" + (c.Index + 1)));
        var publish1 = f.Channel.PublishAsync("msg1", "data1");
        var publish2 = f.Channel.PublishAsync("msg2", "data2");
        f.Scheduler.ProcessPendingEvents();
        var first = captured.Where(m => m.Connection == 1).ToList();
        var originalSerial1 = first[0].Msg.MsgSerial;
        var originalSerial2 = first[1].Msg.MsgSerial;

        f.Server.LastConnection!.Drop();
        f.Scheduler.AdvanceTime(2000);
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        f.Scheduler.Await(publish1);
        f.Scheduler.Await(publish2);

        var second = captured.Where(m => m.Connection == 2).ToList();
        Assert.That(second, Has.Count.EqualTo(2));
        Assert.That(second[0].Msg.MsgSerial, Is.EqualTo(originalSerial1));
        Assert.That(second[1].Msg.MsgSerial, Is.EqualTo(originalSerial2));
    }

    // UTS: realtime/unit/RTN19a2/new-serial-failed-resume-1
    [Test]
    public async Task RTN19a2_RTN15c7_ResentMessagesGetNewMsgSerialOnFailedResume()
    {
        var captured = new List<(ProtocolFrame Msg, int Connection)>();
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(c.Index == 0
            ? ProtocolFrame.Connected("connection-first", "key-first")
            : ProtocolFrame.Parse("""{"action":4,"connectionId":"connection-new","connectionKey":"key-new","error":{"code":80018,"message":"Connection not resumable"}}"""));
        server.OnFrameFromClient = AckFromSecondConnection(captured, "serial-new");
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTN19a2-failed-resume", NoAttachOnSubscribe);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        var publish1 = channel.PublishAsync("msg1", "data1");
        var publish2 = channel.PublishAsync("msg2", "data2");
        scheduler.ProcessPendingEvents();
        var first = captured.Where(m => m.Connection == 1).ToList();
        Assert.That(first[0].Msg.MsgSerial, Is.EqualTo(0));
        Assert.That(first[1].Msg.MsgSerial, Is.EqualTo(1));

        server.LastConnection!.Drop();
        scheduler.AdvanceTime(2000);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.Await(publish1);
        scheduler.Await(publish2);

        // RTN15c7 resets the msgSerial counter.
        var second = captured.Where(m => m.Connection == 2).ToList();
        Assert.That(second, Has.Count.EqualTo(2));
        Assert.That(second[0].Msg.MsgSerial, Is.EqualTo(0));
        Assert.That(second[1].Msg.MsgSerial, Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTN19b/attach-resent-on-reconnect-0
    [Test]
    public async Task RTN19b_PendingAttachResentOnNewTransportAfterDisconnect()
    {
        var attaches = new List<(ProtocolFrame Msg, int Connection)>();
        await using var f = Connected("test-RTN19b-attach", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add((msg, c.Index + 1));
                if (c.Index >= 1)
                {
                    c.Send(ProtocolFrame.Attached(msg.Channel!));
                }
            }
        });

        var attach = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.ProcessPendingEvents();
        var first = attaches.Where(m => m.Connection == 1).ToList();
        Assert.That(first, Has.Count.EqualTo(1));
        Assert.That(first[0].Msg.Channel, Is.EqualTo("test-RTN19b-attach"));

        f.Server.LastConnection!.Drop();
        f.Scheduler.AdvanceTime(2000);
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        f.Scheduler.Await(attach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        var second = attaches.Where(m => m.Connection == 2).ToList();
        Assert.That(second, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(second[0].Msg.Channel, Is.EqualTo("test-RTN19b-attach"));
    }

    // UTS: realtime/unit/RTN19b/detach-resent-on-reconnect-1
    [Test]
    public async Task RTN19b_PendingDetachResentOnNewTransportAfterDisconnect()
    {
        var detaches = new List<(ProtocolFrame Msg, int Connection)>();
        await using var f = Attached("test-RTN19b-detach", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                detaches.Add((msg, c.Index + 1));
                if (c.Index >= 1)
                {
                    c.Send(ProtocolFrame.Detached(msg.Channel!));
                }
            }
        });

        var detach = f.Channel.DetachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Detaching);
        f.Scheduler.ProcessPendingEvents();
        Assert.That(detaches.Count(m => m.Connection == 1), Is.EqualTo(1));

        f.Server.LastConnection!.Drop();
        f.Scheduler.AdvanceTime(2000);
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        f.Scheduler.Await(detach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        var second = detaches.Where(m => m.Connection == 2).ToList();
        Assert.That(second, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(second[0].Msg.Channel, Is.EqualTo("test-RTN19b-detach"));
    }
}
