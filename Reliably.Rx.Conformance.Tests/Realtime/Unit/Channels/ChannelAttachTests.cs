using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_attach.md (RTL4): <c>RealtimeChannel#attach</c>.</summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_attach.md")]
public sealed class ChannelAttachTests
{
    /// <summary>A server that answers ATTACH with ATTACHED and records every ATTACH.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> CapturingAttaches(List<ProtocolFrame> attaches, string? channelSerial = null, int flags = 0) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add(msg);
                c.Send(ProtocolFrame.Attached(msg.Channel!, channelSerial, flags));
            }
        };

    // UTS: realtime/unit/RTL4a/already-attached-noop-0
    [Test]
    public async Task RTL4a_AttachWhenAlreadyAttachedIsNoOp()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL4a", CapturingAttaches(attaches));

        f.Scheduler.Await(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(1));

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(1), "no additional ATTACH");
    }

    // UTS: realtime/unit/RTL4h/attach-while-attaching-0
    [Test]
    public async Task RTL4h_AttachWhileAttachingWaitsForCompletion()
    {
        var attachMessageCount = 0;
        await using var f = ChannelFixture.Connected("test-RTL4h", (_, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                // Not answered yet: the second attach() comes first.
                attachMessageCount++;
            }
        });

        var attach1 = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        var attach2 = f.Channel.AttachAsync();
        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name));
        f.Scheduler.Await(attach1);
        f.Scheduler.Await(attach2);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attachMessageCount, Is.EqualTo(1), "only one ATTACH");
    }

    // UTS: realtime/unit/RTL4h/attach-while-detaching-1
    [Test]
    public async Task RTL4h_AttachWhileDetachingWaitsThenAttaches()
    {
        var messagesFromClient = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL4h-detaching", (c, msg) =>
        {
            messagesFromClient.Add(msg);
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }

            // DETACH: the DETACHED is sent later by the test.
        });

        f.Scheduler.Await(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        var detach = f.Channel.DetachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Detaching);
        var attach = f.Channel.AttachAsync();
        f.Server.SendToClient(ProtocolFrame.Detached(f.Channel.Name));
        f.Scheduler.Await(detach);
        f.Scheduler.Await(attach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(messagesFromClient.Count(m => m.Action == ProtocolAction.Attach), Is.EqualTo(2), "ATTACH, DETACH, ATTACH");
    }

    // UTS: realtime/unit/RTL4g/attach-from-failed-0
    [Test]
    public async Task RTL4g_AttachFromFailedStateProceedsWithAttach()
    {
        const string channelName = "test-RTL4g";
        var attachCount = 0;
        await using var f = ChannelFixture.Connected(channelName, (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attachCount++;
                c.Send(attachCount == 1
                    ? ProtocolFrame.Parse("""{"action":9,"channel":"test-RTL4g","error":{"code":40160,"message":"Denied"}}""")
                    : ProtocolFrame.Attached(channelName));
            }
        });

        f.Scheduler.AwaitFailure(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ErrorReason, Is.Not.Null);

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(f.Channel.ErrorReason, Is.Null, "RTL4c: a successful attach clears errorReason");
    }

    // UTS: realtime/unit/RTL4c/clears-error-reason-0
    [Test]
    public async Task RTL4c_SuccessfulAttachClearsErrorReason()
    {
        await using var f = ChannelFixture.Attached(
            "test-RTL4c-error-clear",
            configure: o => o with { FallbackHosts = [], SuspendedRetryTimeout = TimeSpan.FromMilliseconds(2000) });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        // The connection drops and every reconnection is refused, until SUSPENDED.
        f.Server.OnConnectionAttempt = c => c.Refuse();
        f.Server.LastConnection!.Drop();
        for (var i = 0; i < 30 && f.Client.Connection.State != ConnectionState.Suspended; i++)
        {
            f.Scheduler.AdvanceTime(5000);
        }

        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Suspended);
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));
        Assert.That(f.Channel.ErrorReason, Is.Not.Null, "the connection's failure");

        f.Server.OnConnectionAttempt = c => c.RespondWithSuccess();
        for (var i = 0; i < 10 && f.Client.Connection.State != ConnectionState.Connected; i++)
        {
            f.Scheduler.AdvanceTime(2500);
        }

        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(f.Channel.ErrorReason, Is.Null);
    }

    // UTS: realtime/unit/RTL4b/fails-connection-closed-0
    [Test]
    public async Task RTL4b_AttachFailsWhenConnectionIsClosed()
    {
        await using var f = ChannelFixture.Connected("test-RTL4b-closed", onFrame: (_, _) => { });

        f.Scheduler.Await(f.Client.Connection.CloseAsync());
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Closed));

        var error = f.Scheduler.AwaitFailure(f.Channel.AttachAsync());

        Assert.That(error.Code, Is.Not.Zero);
        Assert.That(f.Channel.State, Is.Not.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTL4b/fails-connection-failed-1
    [Test]
    public async Task RTL4b_AttachFailsWhenConnectionIsFailed()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
        {
            c.RespondWithSuccess();
            c.SendAndClose(ProtocolFrame.Parse("""{"action":9,"error":{"code":80000,"message":"Fatal error"}}"""));
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL4b-failed");

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed);
        var error = scheduler.AwaitFailure(channel.AttachAsync());

        Assert.That(error, Is.Not.Null);
        Assert.That(channel.State, Is.Not.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTL4b/fails-connection-suspended-2
    [Test]
    public async Task RTL4b_AttachFailsWhenConnectionIsSuspended()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false, ChannelRetryTimeout = TimeSpan.FromMilliseconds(100) });
        var channel = client.Channels.Get("test-RTL4b-suspended");
        server.OnConnectionAttempt = c => c.Refuse();

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended);
        var error = scheduler.AwaitFailure(channel.AttachAsync());

        Assert.That(error, Is.Not.Null);
        Assert.That(channel.State, Is.Not.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTL4i/queued-while-connecting-0
    [Test]
    public async Task RTL4i_AttachQueuedWhenConnectionIsConnecting()
    {
        // Connection attempts are never answered.
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL4i");

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attaching);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(server.FramesFromClient(ProtocolAction.Attach), Is.Empty, "the ATTACH waits for the connection");
    }

    // UTS: realtime/unit/RTL4i/completes-on-connected-1
    [Test]
    public async Task RTL4i_AttachCompletesWhenConnectionBecomesConnected()
    {
        var attachMessageReceived = false;
        var (scheduler, server) = Uts.Mock();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attachMessageReceived = true;
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL4i-connected");

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var attach = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attaching);
        Assert.That(attachMessageReceived, Is.False);

        server.NextConnectionAttempt().RespondWithSuccess();
        scheduler.Await(attach);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attachMessageReceived, Is.True);
    }

    // UTS: realtime/unit/RTL4c/sends-attach-message-1
    [Test]
    public async Task RTL4c_AttachSendsAttachMessageAndTransitionsToAttaching()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL4c", CapturingAttaches(attaches));
        ChannelState? stateDuringAttach = null;
        using var listener = f.Channel.StateChanges.Subscribe(change =>
        {
            if (change.Event == ChannelEvent.Attaching)
            {
                stateDuringAttach = f.Channel.State;
            }
        });

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(stateDuringAttach, Is.EqualTo(ChannelState.Attaching));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(1));
        Assert.That(attaches[0].Action, Is.EqualTo(ProtocolAction.Attach));
        Assert.That(attaches[0].Channel, Is.EqualTo("test-RTL4c"));
    }

    // UTS: realtime/unit/RTL4c1/includes-channel-serial-0
    [Test]
    public async Task RTL4c1_AttachMessageIncludesChannelSerialWhenAvailable()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL4c1", CapturingAttaches(attaches, channelSerial: "serial-from-server-1"));

        f.Scheduler.Await(f.Channel.AttachAsync());

        // RTL16a: a re-attach that does not go through DETACHED, so the channelSerial is kept.
        f.Scheduler.Await(f.Channel.SetOptionsAsync(new ChannelOptions { Modes = ChannelModes.Subscribe }));

        Assert.That(attaches, Has.Count.EqualTo(2));
        Assert.That(attaches[0].ChannelSerial, Is.Null);
        Assert.That(attaches[1].ChannelSerial, Is.EqualTo("serial-from-server-1"));
    }

    // UTS: realtime/unit/RTL4f/timeout-to-suspended-0
    [Test]
    public async Task RTL4f_AttachTimesOutAndTransitionsToSuspended()
    {
        await using var f = ChannelFixture.Connected(
            "test-RTL4f",
            onFrame: (_, _) => { },
            configure: o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(100) });

        var attach = f.Channel.AttachAsync();
        f.Scheduler.AdvanceTime(150);
        var error = f.Scheduler.AwaitFailure(attach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));
        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTL4k/includes-channel-params-0
    [Test]
    public async Task RTL4k_AttachIncludesParamsFromChannelOptions()
    {
        var attaches = new List<ProtocolFrame>();
        var options = new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1", ["delta"] = "vcdiff" } };
        await using var f = ChannelFixture.Connected("test-RTL4k", CapturingAttaches(attaches), channelOptions: options);

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(attaches, Has.Count.EqualTo(1));
        var sent = attaches[0].Json["params"] as JObject;
        Assert.That(sent, Is.Not.Null);
        Assert.That(sent!.Value<string>("rewind"), Is.EqualTo("1"));
        Assert.That(sent.Value<string>("delta"), Is.EqualTo("vcdiff"));
    }

    // UTS: realtime/unit/RTL4l/modes-encoded-as-flags-0
    [Test]
    public async Task RTL4l_AttachIncludesModesAsFlags()
    {
        var attaches = new List<ProtocolFrame>();
        var options = new ChannelOptions { Modes = ChannelModes.Publish | ChannelModes.Subscribe };
        await using var f = ChannelFixture.Connected("test-RTL4l", CapturingAttaches(attaches), channelOptions: options);

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(attaches, Has.Count.EqualTo(1));
        Assert.That(attaches[0].Flags, Is.Not.Null);
        Assert.That(attaches[0].Flags & Flags.Publish, Is.Not.Zero, "PUBLISH (TR3r)");
        Assert.That(attaches[0].Flags & Flags.Subscribe, Is.Not.Zero, "SUBSCRIBE (TR3s)");
    }

    // UTS: realtime/unit/RTL4m/modes-from-attached-0
    [Test]
    public async Task RTL4m_ChannelModesPopulatedFromAttachedResponse()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL4m", CapturingAttaches(attaches, flags: Flags.Publish | Flags.Subscribe));

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(f.Channel.Modes.HasFlag(ChannelModes.Publish), Is.True);
        Assert.That(f.Channel.Modes.HasFlag(ChannelModes.Subscribe), Is.True);
    }

    // UTS: realtime/unit/RTL4j/attach-resume-flag-0
    [Test]
    [Ignore("UTS spec error: cites RTL4j, removed from features.md in 6.1.0 (SDKs need not set ATTACH_RESUME, TR3f); the case asserts that a re-attach while attached sets the flag, which is removed behaviour.")]
    public async Task TR3f_AttachResumeFlagSetForReattach()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-TR3f", CapturingAttaches(attaches));

        f.Scheduler.Await(f.Channel.AttachAsync());
        f.Scheduler.Await(f.Channel.SetOptionsAsync(new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1" } }));

        Assert.That(attaches, Has.Count.EqualTo(2));
        Assert.That((attaches[0].Flags ?? 0) & Flags.AttachResume, Is.Zero);
        Assert.That((attaches[1].Flags ?? 0) & Flags.AttachResume, Is.Not.Zero);
    }
}
