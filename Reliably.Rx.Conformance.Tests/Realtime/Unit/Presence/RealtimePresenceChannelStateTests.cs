using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.PresenceClients;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/realtime_presence_channel_state.md (RTL9, RTL11, RTP1, RTP5, RTP13): how channel states
/// act on presence: HAS_PRESENCE and the SYNC, the maps cleared or kept, queued presence sent or failed.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/realtime_presence_channel_state.md")]
public sealed class RealtimePresenceChannelStateTests
{
    /// <summary>ATTACH answered with ATTACHED(HAS_PRESENCE) and a one-page SYNC of <paramref name="members"/>; DETACH with DETACHED.</summary>
    private static void AnswerWithSync(ScriptedAbly server, string channel, params Newtonsoft.Json.Linq.JObject[] members) =>
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(channel, HasPresence));
                c.Send(Sync(channel, "seq1:", members));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(channel));
            }
        };

    // UTS: realtime/unit/RTP1/has-presence-triggers-sync-0
    [Test]
    public async Task RTP1_HasPresenceFlagTriggersSync()
    {
        var name = ChannelName("test-RTP1");
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        AnswerWithSync(server, name, Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100));
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        var members = scheduler.Await(channel.Presence.GetAsync());

        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("alice"));
        Assert.That(channel.Presence.SyncComplete, Is.True);
    }

    // UTS: realtime/unit/RTP1/no-has-presence-empty-1
    [Test]
    public async Task RTP1_NoHasPresenceFlagMeansEmptyPresence()
    {
        var name = ChannelName("test-RTP1-empty");
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(name));
            }
        };
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        var members = scheduler.Await(channel.Presence.GetAsync());

        Assert.That(members, Is.Empty);
        Assert.That(channel.Presence.SyncComplete, Is.True);
    }

    // UTS: realtime/unit/RTP1/no-has-presence-clears-existing-2
    [Test]
    public async Task RTP1_RTP19a_NoHasPresenceClearsExistingMembers()
    {
        var name = ChannelName("test-RTP19a");
        var (scheduler, server) = Uts.Mock();
        var connectionCount = 0;
        server.OnConnectionAttempt = c =>
        {
            connectionCount++;
            c.RespondWithSuccess(ProtocolFrame.Connected($"conn-{connectionCount}"));
        };
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action != ProtocolAction.Attach)
            {
                return;
            }

            if (connectionCount == 1)
            {
                c.Send(Attached(name, HasPresence));
                c.Send(Sync(name, "seq1:",
                    Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100),
                    Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100)));
            }
            else
            {
                c.Send(Attached(name));
            }
        };
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        var members = scheduler.Await(channel.Presence.GetAsync());
        Assert.That(members, Has.Count.EqualTo(2));

        var leaveEvents = new List<PresenceMessage>();
        using var subscription = channel.Presence.EventsOf(PresenceAction.Leave).Subscribe(leaveEvents.Add);

        using var states = client.Connection.RecordStates();
        server.LastConnection!.Drop();
        scheduler.AwaitRecorded(states, ConnectionState.Disconnected);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.AwaitState(channel, ChannelState.Attached);
        var membersAfter = scheduler.Await(channel.Presence.GetAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(membersAfter, Is.Empty);
        Assert.That(leaveEvents, Has.Count.EqualTo(2));
        Assert.That(leaveEvents.Any(e => e.ClientId == "alice"), Is.True);
        Assert.That(leaveEvents.Any(e => e.ClientId == "bob"), Is.True);
        Assert.That(leaveEvents.All(e => e.Id is null), Is.True);
    }

    // UTS: realtime/unit/RTP5a/detached-clears-presence-maps-0
    [Test]
    public async Task RTP5a_DetachedClearsBothPresenceMaps()
    {
        var name = ChannelName("test-RTP5a-detached");
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        AnswerWithSync(server, name, Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100));
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        Assert.That(scheduler.Await(channel.Presence.GetAsync()), Has.Count.EqualTo(1));

        var leaveEvents = new List<PresenceMessage>();
        using var subscription = channel.Presence.EventsOf(PresenceAction.Leave).Subscribe(leaveEvents.Add);
        scheduler.Await(channel.DetachAsync());
        Assert.That(channel.State, Is.EqualTo(ChannelState.Detached));
        scheduler.ProcessPendingEvents();

        Assert.That(leaveEvents, Is.Empty);
        var membersAfter = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));
        Assert.That(membersAfter, Is.Empty);
    }

    // UTS: realtime/unit/RTP5a/failed-clears-presence-maps-1
    [Test]
    public async Task RTP5a_FailedClearsBothPresenceMaps()
    {
        var name = ChannelName("test-RTP5a-failed");
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        AnswerWithSync(server, name, Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100));
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        Assert.That(scheduler.Await(channel.Presence.GetAsync()), Has.Count.EqualTo(1));

        var leaveEvents = new List<PresenceMessage>();
        using var subscription = channel.Presence.EventsOf(PresenceAction.Leave).Subscribe(leaveEvents.Add);
        server.LastConnection!.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(90001, 400, "Channel failed"), name));
        scheduler.AwaitState(channel, ChannelState.Failed);
        scheduler.ProcessPendingEvents();

        Assert.That(leaveEvents, Is.Empty);
    }

    // UTS: realtime/unit/RTP5b/attached-sends-queued-presence-0
    [Test]
    public async Task RTP5b_AttachedSendsQueuedPresenceMessages()
    {
        var name = ChannelName("test-RTP5b");
        var (scheduler, server) = Uts.Mock();
        var captured = new List<ProtocolFrame>();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            // ATTACH is left unanswered until the test answers it.
            if (msg.Action == ProtocolAction.Presence)
            {
                captured.Add(msg);
                c.Send(ProtocolFrame.Ack(msg.MsgSerial!.Value));
            }
        };
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attaching);
        var enter = channel.Presence.EnterAsync("queued");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Is.Empty);

        server.LastConnection!.Send(Attached(name));
        scheduler.Await(enter);

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(captured[0].Presence[0].Value<int>("action"), Is.EqualTo((int)PresenceAction.Enter));
        Assert.That(captured[0].Presence[0].Value<string>("data"), Is.EqualTo("queued"));
    }

    // UTS: realtime/unit/RTP5f/suspended-maintains-presence-map-0
    [Test]
    public async Task RTP5f_SuspendedMaintainsPresenceMap()
    {
        var name = ChannelName("test-RTP5f");
        var (scheduler, server) = Uts.Mock();
        server.RefuseReconnections();
        AnswerWithSync(server, name,
            Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100),
            Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100));
        await using var client = server.Client(configure: QuickRetries);
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        Assert.That(scheduler.Await(channel.Presence.GetAsync()), Has.Count.EqualTo(2));

        server.LastConnection!.Drop();
        scheduler.AwaitState(channel, ChannelState.Suspended);
        var membersDuringSuspended = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));

        Assert.That(membersDuringSuspended, Has.Count.EqualTo(2));
    }

    // UTS: realtime/unit/RTP13/sync-complete-attribute-0
    [Test]
    public async Task RTP13_SyncCompleteAttribute()
    {
        var name = ChannelName("test-RTP13");
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(name, HasPresence));
                c.Send(Sync(name, "seq1:cursor1", Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100)));
            }
        };
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();
        Assert.That(channel.Presence.SyncComplete, Is.False);

        server.LastConnection!.Send(Sync(name, "seq1:", Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100)));
        scheduler.ProcessPendingEvents();

        Assert.That(channel.Presence.SyncComplete, Is.True);
    }

    // UTS: realtime/unit/RTL9/presence-attribute-0
    [Test]
    public async Task RTL9_RTL9a_PresenceAttribute()
    {
        var name = ChannelName("test-RTL9a");
        var (_, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        var presence = channel.Presence;

        Assert.That(presence, Is.InstanceOf<RealtimePresence>());
        Assert.That(presence, Is.Not.Null);
        Assert.That(channel.Presence, Is.SameAs(channel.Presence));
    }

    // UTS: realtime/unit/RTL11/queued-presence-fail-detached-0
    [Test]
    [Divergence("Presence on a DETACHED channel was queued and attached the channel implicitly; it now fails at once (RTP16c, RTP8g), with nothing sent.")]
    public async Task RTL11_PresenceFailsOnDetachedChannel()
    {
        var name = ChannelName("test-RTL11-detached");
        var (scheduler, server) = Uts.Mock();
        var captured = new List<ProtocolFrame>();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(name));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(name));
            }
            else if (msg.Action == ProtocolAction.Presence)
            {
                captured.Add(msg);
            }
        };
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.Await(channel.DetachAsync());
        Assert.That(channel.State, Is.EqualTo(ChannelState.Detached));

        var error = scheduler.AwaitFailure(channel.Presence.EnterAsync("queued-enter"));
        scheduler.ProcessPendingEvents();

        Assert.That(captured, Is.Empty);
        Assert.That(error.ErrorInfo, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTL11/queued-presence-fail-suspended-1
    [Test]
    public async Task RTL11_QueuedPresenceFailsOnSuspended()
    {
        var name = ChannelName("test-RTL11-suspended");
        var (scheduler, server) = Uts.Mock();
        var captured = new List<ProtocolFrame>();
        server.RefuseReconnections();
        server.OnFrameFromClient = (_, msg) =>
        {
            // ATTACH is never answered: the channel stays ATTACHING.
            if (msg.Action == ProtocolAction.Presence)
            {
                captured.Add(msg);
            }
        };
        await using var client = server.Client("my-client", QuickRetries);
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attaching);
        var enter = channel.Presence.EnterAsync("queued-enter");
        var update = channel.Presence.UpdateAsync("queued-update");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Is.Empty);

        server.LastConnection!.Drop();
        scheduler.AwaitState(channel, ChannelState.Suspended);

        Assert.That(captured, Is.Empty);
        Assert.That(scheduler.AwaitFailure(enter).ErrorInfo, Is.Not.Null);
        Assert.That(scheduler.AwaitFailure(update).ErrorInfo, Is.Not.Null);
    }

    // UTS: realtime/unit/RTL11/queued-presence-fail-failed-2
    [Test]
    public async Task RTL11_QueuedPresenceFailsOnFailed()
    {
        var name = ChannelName("test-RTL11-failed");
        var (scheduler, server) = Uts.Mock();
        var captured = new List<ProtocolFrame>();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (_, msg) =>
        {
            if (msg.Action == ProtocolAction.Presence)
            {
                captured.Add(msg);
            }
        };
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attaching);
        var enter = channel.Presence.EnterAsync("queued-enter");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Is.Empty);

        server.LastConnection!.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(90001, 400, "Channel failed"), name));
        scheduler.AwaitState(channel, ChannelState.Failed);

        Assert.That(captured, Is.Empty);
        Assert.That(scheduler.AwaitFailure(enter).ErrorInfo, Is.Not.Null);
    }

    // UTS: realtime/unit/RTL11a/ack-nack-unaffected-by-state-0
    [Test]
    public async Task RTL11a_AckNackUnaffectedByChannelStateChanges()
    {
        var name = ChannelName("test-RTL11a");
        var (scheduler, server) = Uts.Mock();
        var captured = new List<ProtocolFrame>();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(name));
            }
            else if (msg.Action == ProtocolAction.Presence)
            {
                // The ACK is held back.
                captured.Add(msg);
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(name));
            }
        };
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
        var enter = channel.Presence.EnterAsync("awaiting-ack");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Has.Count.EqualTo(1));

        _ = channel.DetachAsync();
        scheduler.AwaitState(channel, ChannelState.Detached);
        server.LastConnection!.Send(ProtocolFrame.Ack(captured[0].MsgSerial!.Value));

        scheduler.Await(enter);
    }
}
