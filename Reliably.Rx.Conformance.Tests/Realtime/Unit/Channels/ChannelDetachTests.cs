using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_detach.md (RTL5): <c>RealtimeChannel#detach</c>.</summary>
/// <remarks>The spec's removed case "Detach clears errorReason" has no test ID and is not translated.</remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_detach.md")]
public sealed class ChannelDetachTests
{
    /// <summary>ATTACH is answered with ATTACHED; DETACH is counted, and answered with DETACHED when <paramref name="answerDetach"/>.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> CountingDetaches(Action onDetach, bool answerDetach = true) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                onDetach();
                if (answerDetach)
                {
                    c.Send(ProtocolFrame.Detached(msg.Channel!));
                }
            }
        };

    // UTS: realtime/unit/RTL5a/detach-initialized-noop-0
    [Test]
    public async Task RTL5a_DetachWhenInitializedIsNoOp()
    {
        var (scheduler, server) = ChannelMocks.AcceptingServer();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL5a");
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));

        scheduler.Await(channel.DetachAsync());

        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized).Or.EqualTo(ChannelState.Detached));
    }

    // UTS: realtime/unit/RTL5a/detach-already-detached-noop-1
    [Test]
    public async Task RTL5a_DetachWhenAlreadyDetachedIsNoOp()
    {
        var detachMessageCount = 0;
        await using var f = ChannelFixture.Attached("test-RTL5a-detached", CountingDetaches(() => detachMessageCount++));

        f.Scheduler.Await(f.Channel.DetachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detachMessageCount, Is.EqualTo(1));

        f.Scheduler.Await(f.Channel.DetachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detachMessageCount, Is.EqualTo(1), "no additional DETACH");
    }

    // UTS: realtime/unit/RTL5i/detach-while-detaching-0
    [Test]
    public async Task RTL5i_DetachWhileDetachingWaitsForCompletion()
    {
        var detachMessageCount = 0;
        await using var f = ChannelFixture.Attached("test-RTL5i", CountingDetaches(() => detachMessageCount++, answerDetach: false));

        var detach1 = f.Channel.DetachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Detaching);
        var detach2 = f.Channel.DetachAsync();
        f.Server.SendToClient(ProtocolFrame.Detached(f.Channel.Name));
        f.Scheduler.Await(detach1);
        f.Scheduler.Await(detach2);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detachMessageCount, Is.EqualTo(1), "only one DETACH");
    }

    // UTS: realtime/unit/RTL5i/detach-while-attaching-1
    [Test]
    public async Task RTL5i_DetachWhileAttachingWaitsThenDetaches()
    {
        var messagesFromClient = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL5i-attaching", (c, msg) =>
        {
            messagesFromClient.Add(msg);

            // ATTACH: the ATTACHED is sent later by the test.
            if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(msg.Channel!));
            }
        });

        var attach = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        var detach = f.Channel.DetachAsync();
        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name));

        // The spec allows the superseded attach to resolve or to be rejected; Reliably.Rx resolves it on ATTACHED.
        f.Scheduler.Await(attach);
        f.Scheduler.Await(detach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(messagesFromClient.Select(m => m.Action), Is.EqualTo(new[] { ProtocolAction.Attach, ProtocolAction.Detach }));
    }

    // UTS: realtime/unit/RTL5b/detach-failed-errors-0
    [Test]
    public async Task RTL5b_DetachFromFailedStateResultsInError()
    {
        await using var f = ChannelFixture.Connected("test-RTL5b", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Parse("""{"action":9,"channel":"test-RTL5b","error":{"code":40160,"message":"Not permitted"}}"""));
            }
        });

        f.Scheduler.AwaitFailure(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        var error = f.Scheduler.AwaitFailure(f.Channel.DetachAsync());

        Assert.That(error, Is.Not.Null);
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed), "unchanged");
    }

    // UTS: realtime/unit/RTL5j/detach-suspended-to-detached-0
    [Test]
    public async Task RTL5j_DetachFromSuspendedTransitionsToDetached()
    {
        var detachMessageCount = 0;
        await using var f = ChannelFixture.Connected(
            "test-RTL5j",
            (_, msg) =>
            {
                // ATTACH is never answered: it times out to SUSPENDED.
                if (msg.Action == ProtocolAction.Detach)
                {
                    detachMessageCount++;
                }
            },
            o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(100) });

        var attach = f.Channel.AttachAsync();
        f.Scheduler.AdvanceTime(150);
        f.Scheduler.AwaitFailure(attach);
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));

        f.Scheduler.Await(f.Channel.DetachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detachMessageCount, Is.Zero, "an immediate transition, no DETACH");
    }

    // UTS: realtime/unit/RTL5l/detach-not-connected-immediate-0
    [Test]
    public async Task RTL5l_DetachWhenConnectionNotConnectedTransitionsImmediately()
    {
        // Connection attempts are never answered.
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL5l");

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        _ = channel.AttachAsync().ContinueWith(t => t.Exception, TaskScheduler.Default);
        scheduler.AwaitState(channel, ChannelState.Attaching);
        scheduler.Await(channel.DetachAsync());

        Assert.That(channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(server.FramesFromClient(ProtocolAction.Detach), Is.Empty, "no DETACH");
    }

    // UTS: realtime/unit/RTL5l/detach-attached-when-disconnected-1
    [Test]
    public async Task RTL5l_DetachAttachedChannelWhenConnectionDisconnected()
    {
        await using var f = ChannelFixture.Attached("test-channel");

        f.Server.LastConnection!.Drop();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Disconnected);
        var messagesSent = new List<ProtocolFrame>();
        f.Server.OnFrameFromClient = (_, msg) => messagesSent.Add(msg);
        _ = f.Channel.DetachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Detached);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(messagesSent.Where(m => m.Action == ProtocolAction.Detach), Is.Empty, "the transport is unavailable");
    }

    // UTS: realtime/unit/RTL5d/normal-detach-flow-0
    [Test]
    public async Task RTL5d_NormalDetachFlow()
    {
        var detaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Attached("test-RTL5d", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Detach)
            {
                detaches.Add(msg);
            }

            ChannelMocks.AttachAndDetach(c, msg);
        });
        ChannelState? stateDuringDetach = null;
        using var listener = f.Channel.StateChanges.Subscribe(change =>
        {
            if (change.Event == ChannelEvent.Detaching)
            {
                stateDuringDetach = f.Channel.State;
            }
        });

        f.Scheduler.Await(f.Channel.DetachAsync());

        Assert.That(stateDuringDetach, Is.EqualTo(ChannelState.Detaching));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detaches, Has.Count.EqualTo(1));
        Assert.That(detaches[0].Action, Is.EqualTo(ProtocolAction.Detach));
        Assert.That(detaches[0].Channel, Is.EqualTo("test-RTL5d"));
    }

    // UTS: realtime/unit/RTL5f/timeout-returns-previous-state-0
    [Test]
    public async Task RTL5f_DetachTimeoutReturnsToPreviousState()
    {
        await using var f = ChannelFixture.Attached(
            "test-RTL5f",
            CountingDetaches(() => { }, answerDetach: false),
            o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(100) });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        var detach = f.Channel.DetachAsync();
        f.Scheduler.AdvanceTime(150);
        var error = f.Scheduler.AwaitFailure(detach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached), "back to the previous state");
        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTL5k/attached-while-detaching-0
    [Test]
    public async Task RTL5k_AttachedReceivedWhileDetachingSendsNewDetach()
    {
        var detachMessageCount = 0;
        await using var f = ChannelFixture.Attached("test-RTL5k", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                // The first DETACH is answered with ATTACHED, the next one properly.
                detachMessageCount++;
                c.Send(detachMessageCount == 1 ? ProtocolFrame.Attached(msg.Channel!) : ProtocolFrame.Detached(msg.Channel!));
            }
        });

        f.Scheduler.Await(f.Channel.DetachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detachMessageCount, Is.EqualTo(2), "two DETACH messages");
    }

    // UTS: realtime/unit/RTL5k/attached-while-detached-1
    [Test]
    public async Task RTL5k_AttachedReceivedWhileDetachedSendsDetach()
    {
        var detachMessageCount = 0;
        await using var f = ChannelFixture.Attached("test-RTL5k-detached", CountingDetaches(() => detachMessageCount++));

        f.Scheduler.Await(f.Channel.DetachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(detachMessageCount, Is.EqualTo(1));

        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(detachMessageCount, Is.EqualTo(2), "the client sent another DETACH");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
    }

    // UTS: realtime/unit/RTL5/detach-state-change-events-0
    [Test]
    public async Task RTL5_DetachEmitsStateChangeEvents()
    {
        await using var f = ChannelFixture.Connected("test-RTL5-events");
        var stateChanges = f.Channel.Record();

        f.Scheduler.Await(f.Channel.AttachAsync());
        f.Scheduler.ProcessPendingEvents();
        stateChanges.Clear();
        f.Scheduler.Await(f.Channel.DetachAsync());
        f.Scheduler.ProcessPendingEvents();

        Assert.That(stateChanges, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(stateChanges[0], Is.EqualTo(new ChannelStateChange(ChannelState.Attached, ChannelState.Detaching, ChannelEvent.Detaching)));
        Assert.That(stateChanges[1], Is.EqualTo(new ChannelStateChange(ChannelState.Detaching, ChannelState.Detached, ChannelEvent.Detached)));
    }
}
