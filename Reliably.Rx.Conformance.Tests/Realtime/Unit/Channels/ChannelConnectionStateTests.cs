using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_connection_state.md (RTL3, RTL4c1): what the connection's state does to channels.</summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_connection_state.md")]
public sealed class ChannelConnectionStateTests
{
    private static readonly ErrorInfo AccountDisabled = new(40198, 403, "Account disabled");

    /// <summary>ATTACH is recorded and left unanswered (the channel stays ATTACHING).</summary>
    private static void Unanswered(ScriptedConnection connection, ProtocolFrame frame)
    {
    }

    /// <summary>ATTACH is recorded in <paramref name="attaches"/> and answered with ATTACHED (with <paramref name="channelSerial"/>); DETACH with DETACHED.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> Recording(List<ProtocolFrame> attaches, string? channelSerial = null) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add(msg);
                c.Send(ProtocolFrame.Attached(msg.Channel!, channelSerial));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(msg.Channel!));
            }
        };

    /// <summary><c>simulate_disconnect()</c>, then <c>AWAIT_STATE connected</c> (the client reconnects).</summary>
    private static void DropAndReconnect(ChannelFixture f)
    {
        f.Server.LastConnection!.Drop();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Disconnected);
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
    }

    /// <summary>Refuses every reconnection and advances (5 s at a time, up to 30 times) until the connection is SUSPENDED.</summary>
    private static void DropUntilSuspended(ChannelFixture f)
    {
        f.Server.OnConnectionAttempt = c => c.Refuse();
        f.Server.LastConnection!.Drop();
        for (var i = 0; i < 30 && f.Client.Connection.State != ConnectionState.Suspended; i++)
        {
            f.Scheduler.AdvanceTime(5000);
        }

        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Suspended);
    }

    /// <summary><c>send_to_client_and_close(ERROR 40198)</c>, then <c>AWAIT_STATE failed</c>.</summary>
    private static void FatalError(ChannelFixture f)
    {
        f.Server.LastConnection!.SendAndClose(ProtocolFrame.ErrorFrame(AccountDisabled));
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Failed);
        f.Scheduler.ProcessPendingEvents();
    }


    private static Func<ClientOptions, ClientOptions> Retries(int disconnectedMs, int? suspendedMs = null) =>
        o => o with
        {
            FallbackHosts = [],
            DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(disconnectedMs),
            SuspendedRetryTimeout = suspendedMs is { } s ? TimeSpan.FromMilliseconds(s) : o.SuspendedRetryTimeout,
        };

    // UTS: realtime/unit/RTL3e/disconnected-attached-noop-0
    [Test]
    public async Task RTL3e_DisconnectedHasNoEffectOnAttachedChannel()
    {
        await using var f = ChannelFixture.Attached("test-RTL3e-attached");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        var changes = f.Channel.Record();

        // The reconnection is left unanswered, so the connection stays DISCONNECTED or CONNECTING.
        f.Server.OnConnectionAttempt = _ => { };
        f.Server.LastConnection!.Drop();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Disconnected);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(changes, Is.Empty);
    }

    // UTS: realtime/unit/RTL3e/disconnected-attaching-noop-1
    [Test]
    public async Task RTL3e_DisconnectedHasNoEffectOnAttachingChannel()
    {
        await using var f = ChannelFixture.Connected("test-RTL3e-attaching", Unanswered);
        _ = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        var changes = f.Channel.Record();

        f.Server.OnConnectionAttempt = _ => { };
        f.Server.LastConnection!.Drop();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Disconnected);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(changes, Is.Empty);
    }

    // UTS: realtime/unit/RTL3a/failed-attached-to-failed-0
    [Test]
    public async Task RTL3a_FailedConnectionTransitionsAttachedChannelToFailed()
    {
        await using var f = ChannelFixture.Attached("test-RTL3a-attached");
        var changes = f.Channel.Record();

        FatalError(f);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        Assert.That(f.Channel.ErrorReason!.Code, Is.EqualTo(40198));
        Assert.That(changes, Has.Count.GreaterThanOrEqualTo(1));
        var failed = changes.Find(c => c.Current == ChannelState.Failed);
        Assert.That(failed, Is.Not.Null);
        Assert.That(failed!.Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(failed.Reason, Is.Not.Null);
        Assert.That(failed.Reason!.Code, Is.EqualTo(40198));
    }

    // UTS: realtime/unit/RTL3a/failed-attaching-to-failed-1
    [Test]
    public async Task RTL3a_FailedConnectionTransitionsAttachingChannelToFailed()
    {
        await using var f = ChannelFixture.Connected("test-RTL3a-attaching", Unanswered);
        var attach = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        var changes = f.Channel.Record();

        FatalError(f);
        f.Scheduler.AwaitFailure(attach);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        var failed = changes.Find(c => c.Current == ChannelState.Failed);
        Assert.That(failed, Is.Not.Null);
        Assert.That(failed!.Previous, Is.EqualTo(ChannelState.Attaching));
    }

    // UTS: realtime/unit/RTL3a/other-states-unaffected-2
    [Test]
    public async Task RTL3a_ChannelsInOtherStatesAreUnaffectedByFailedConnection()
    {
        await using var f = ChannelFixture.Connected("test-RTL3a-detached");
        var initialized = f.Client.Channels.Get("test-RTL3a-init");
        Assert.That(initialized.State, Is.EqualTo(ChannelState.Initialized));
        f.Scheduler.Await(f.Channel.AttachAsync());
        f.Scheduler.Await(f.Channel.DetachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        var initChanges = initialized.Record();
        var detachedChanges = f.Channel.Record();

        FatalError(f);

        Assert.That(initialized.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(initChanges, Is.Empty);
        Assert.That(detachedChanges, Is.Empty);
    }

    // UTS: realtime/unit/RTL3b/closed-attached-to-detached-0
    [Test]
    public async Task RTL3b_ClosedConnectionTransitionsAttachedChannelToDetached()
    {
        await using var f = ChannelFixture.Attached("test-RTL3b");
        var changes = f.Channel.Record();

        _ = f.Client.Connection.CloseAsync();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Closed);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        var detached = changes.Find(c => c.Current == ChannelState.Detached);
        Assert.That(detached, Is.Not.Null);
        Assert.That(detached!.Previous, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTL3b/closed-attaching-to-detached-1
    [Test]
    [Ignore("UTS spec error: the mock answers neither the ATTACH nor the CLOSE, so the connection is CLOSED only when the CLOSE times out (RTN12b, realtimeRequestTimeout), and the ATTACH, sent first, has timed out before that and left the channel SUSPENDED (RTL4f), a state RTL3b does not change; the case expects DETACHED")]
    public async Task RTL3b_ClosedConnectionTransitionsAttachingChannelToDetached()
    {
        await using var f = ChannelFixture.Connected("test-RTL3b-attaching", Unanswered);
        var attach = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        var changes = f.Channel.Record();

        _ = f.Client.Connection.CloseAsync();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Closed);
        f.Scheduler.AwaitFailure(attach);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        var detached = changes.Find(c => c.Current == ChannelState.Detached);
        Assert.That(detached, Is.Not.Null);
        Assert.That(detached!.Previous, Is.EqualTo(ChannelState.Attaching));
    }

    // UTS: realtime/unit/RTL3c/suspended-attached-to-suspended-0
    [Test]
    public async Task RTL3c_SuspendedConnectionTransitionsAttachedChannelToSuspended()
    {
        await using var f = ChannelFixture.Attached("test-RTL3c", configure: Retries(1000));
        var changes = f.Channel.Record();

        DropUntilSuspended(f);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));
        var suspended = changes.Find(c => c.Current == ChannelState.Suspended);
        Assert.That(suspended, Is.Not.Null);
        Assert.That(suspended!.Previous, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTL3c/suspended-attaching-to-suspended-1
    [Test]
    public async Task RTL3c_SuspendedConnectionTransitionsAttachingChannelToSuspended()
    {
        await using var f = ChannelFixture.Connected("test-RTL3c-attaching", Unanswered, Retries(1000));
        _ = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        var changes = f.Channel.Record();

        DropUntilSuspended(f);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));
        var suspended = changes.Find(c => c.Current == ChannelState.Suspended);
        Assert.That(suspended, Is.Not.Null);
        Assert.That(suspended!.Previous, Is.EqualTo(ChannelState.Attaching));
    }

    // UTS: realtime/unit/RTL3d/reattach-attached-with-serial-0
    [Test]
    public async Task RTL3d_RTL4c1_ConnectedConnectionReattachesAttachedChannelsWithChannelSerial()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Attached("test-RTL3d-attached", Recording(attaches, "serial-001"), o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(100) });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(1));
        var changes = f.Channel.Record();

        DropAndReconnect(f);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(2), "a second ATTACH for the re-attach");
        Assert.That(attaches[1].ChannelSerial, Is.EqualTo("serial-001"), "RTL4c1");
        ChannelMocks.AssertContainsInOrder(changes, ChannelState.Attaching, ChannelState.Attached);
    }

    // UTS: realtime/unit/RTL3d/reattach-suspended-channels-1
    [Test]
    public async Task RTL3d_ConnectedConnectionReattachesSuspendedChannels()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Attached("test-RTL3d-suspended", Recording(attaches), Retries(1000, 2000));
        Assert.That(attaches, Has.Count.EqualTo(1));

        DropUntilSuspended(f);
        f.Scheduler.ProcessPendingEvents();
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));
        var changes = f.Channel.Record();
        f.Server.OnConnectionAttempt = c => c.RespondWithSuccess();
        for (var i = 0; i < 10 && f.Client.Connection.State != ConnectionState.Connected; i++)
        {
            f.Scheduler.AdvanceTime(2500);
        }

        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.GreaterThanOrEqualTo(2));
        ChannelMocks.AssertContainsInOrder(changes, ChannelState.Attaching, ChannelState.Attached);
    }

    // UTS: realtime/unit/RTL3d/init-detached-not-reattached-2
    [Test]
    public async Task RTL3d_ChannelsInInitializedOrDetachedAreNotReattachedOnConnected()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL3d-detached", Recording(attaches), o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(100) });
        var initialized = f.Client.Channels.Get("test-RTL3d-init");
        Assert.That(initialized.State, Is.EqualTo(ChannelState.Initialized));
        f.Scheduler.Await(f.Channel.AttachAsync());
        f.Scheduler.Await(f.Channel.DetachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        var attachCountBefore = attaches.Count;
        var initChanges = initialized.Record();
        var detachedChanges = f.Channel.Record();

        DropAndReconnect(f);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(initialized.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(initChanges, Is.Empty);
        Assert.That(detachedChanges, Is.Empty);
        var newAttachChannels = attaches.Skip(attachCountBefore).Select(m => m.Channel).ToList();
        Assert.That(newAttachChannels, Does.Not.Contain("test-RTL3d-init"));
        Assert.That(newAttachChannels, Does.Not.Contain("test-RTL3d-detached"));
    }

    // UTS: realtime/unit/RTL3d/multiple-channels-reattached-3
    [Test]
    public async Task RTL3d_MultipleChannelsReattachedOnConnected()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Attached("test-RTL3d-multi1", Recording(attaches), o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(100) });
        var channel2 = f.Client.Channels.Get("test-RTL3d-multi2");
        f.Scheduler.Await(channel2.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channel2.State, Is.EqualTo(ChannelState.Attached));
        var attachCountBefore = attaches.Count;

        DropAndReconnect(f);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        f.Scheduler.AwaitState(channel2, ChannelState.Attached);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channel2.State, Is.EqualTo(ChannelState.Attached));
        var newAttachChannels = attaches.Skip(attachCountBefore).Select(m => m.Channel).ToList();
        Assert.That(newAttachChannels, Does.Contain("test-RTL3d-multi1"));
        Assert.That(newAttachChannels, Does.Contain("test-RTL3d-multi2"));
    }
}
