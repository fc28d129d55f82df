using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.PresenceClients;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>uts/realtime/unit/presence/realtime_presence_get.md (RTP11): the members present, after the SYNC by default.</summary>
[TestFixture]
[Category("uts/realtime/unit/presence/realtime_presence_get.md")]
public sealed class RealtimePresenceGetTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server) Server(string channel, ProtocolFrame? connected, int flags, params ProtocolFrame[] afterAttach)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(connected ?? ProtocolFrame.Connected());
        AnswerAttach(server, channel, flags, afterAttach);
        return (scheduler, server);
    }

    private static void AnswerAttach(ScriptedAbly server, string channel, int flags, ProtocolFrame[] afterAttach) =>
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(channel, flags));
                foreach (var frame in afterAttach)
                {
                    c.Send(frame);
                }
            }
        };

    // UTS: realtime/unit/RTP11a/get-returns-members-single-sync-0
    [Test]
    public async Task RTP11a_GetReturnsCurrentMembersAfterSingleMessageSync()
    {
        var name = ChannelName("test-RTP11a-single");
        var (scheduler, server) = Server(name, ProtocolFrame.Connected("conn-1"), HasPresence);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var get = channel.Presence.GetAsync();
        scheduler.ProcessPendingEvents();
        Assert.That(get.IsCompleted, Is.False);

        server.LastConnection!.Send(Sync(name, "seq1:",
            Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100, "a"),
            Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100, "b")));
        var members = scheduler.Await(get);

        Assert.That(members, Has.Count.EqualTo(2));
        Assert.That(members.Select(m => m.ClientId).Order(), Is.EqualTo(new[] { "alice", "bob" }));
    }

    // UTS: realtime/unit/RTP11a/get-waits-for-multi-sync-1
    [Test]
    public async Task RTP11a_RTP11c1_GetWaitsForMultiMessageSync()
    {
        var name = ChannelName("test-RTP11c1-multi");
        var (scheduler, server) = Server(name, ProtocolFrame.Connected("conn-1"), HasPresence);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var get = channel.Presence.GetAsync();
        scheduler.ProcessPendingEvents();
        Assert.That(get.IsCompleted, Is.False);

        server.LastConnection!.Send(Sync(name, "seq1:cursor1", Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100)));
        scheduler.ProcessPendingEvents();
        Assert.That(get.IsCompleted, Is.False);

        server.LastConnection!.Send(Sync(name, "seq1:", Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100)));
        var members = scheduler.Await(get);

        Assert.That(members, Has.Count.EqualTo(2));
        Assert.That(members.Select(m => m.ClientId).Order(), Is.EqualTo(new[] { "alice", "bob" }));
    }

    // UTS: realtime/unit/RTP11c1/get-no-wait-returns-immediately-0
    [Test]
    public async Task RTP11c1_GetWithWaitForSyncFalseReturnsImmediately()
    {
        var name = ChannelName("test-RTP11c1-nowait");
        var (scheduler, server) = Server(name, ProtocolFrame.Connected("conn-1"), HasPresence,
            Sync(name, "seq1:cursor1", Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100)));
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var members = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));

        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("alice"));
    }

    // UTS: realtime/unit/RTP11c2/get-filtered-by-clientid-0
    [Test]
    public async Task RTP11c2_GetFilteredByClientId()
    {
        var name = ChannelName("test-RTP11c2");
        var (scheduler, server) = Server(name, null, HasPresence, Sync(name, "seq1:",
            Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100),
            Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100),
            Member(PresenceAction.Present, "alice", "c3", "c3:0:0", 100)));
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var members = scheduler.Await(channel.Presence.GetAsync(clientId: "alice"));

        Assert.That(members, Has.Count.EqualTo(2));
        Assert.That(members.All(m => m.ClientId == "alice"), Is.True);
    }

    // UTS: realtime/unit/RTP11c3/get-filtered-by-connectionid-0
    [Test]
    public async Task RTP11c3_GetFilteredByConnectionId()
    {
        var name = ChannelName("test-RTP11c3");
        var (scheduler, server) = Server(name, null, HasPresence, Sync(name, "seq1:",
            Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100),
            Member(PresenceAction.Present, "bob", "c2", "c2:0:0", 100),
            Member(PresenceAction.Present, "carol", "c1", "c1:0:1", 100)));
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var members = scheduler.Await(channel.Presence.GetAsync(connectionId: "c1"));

        Assert.That(members, Has.Count.EqualTo(2));
        Assert.That(members.All(m => m.ConnectionId == "c1"), Is.True);
    }

    // UTS: realtime/unit/<the clause RTP11e replaced>/get-implicitly-attaches-0: named by the current point, RTP11e
    // (ensure-active-channel, RTL33).
    [Test]
    public async Task RTP11e_GetImplicitlyAttachesChannel()
    {
        var name = ChannelName("test-RTP11e");
        var (scheduler, server) = Server(name, null, 0);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));

        var members = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(members, Is.Not.Null);
    }

    // UTS: realtime/unit/RTP11d/get-suspended-errors-default-0
    [Test]
    public async Task RTP11d_GetOnSuspendedChannelErrorsByDefault()
    {
        var name = ChannelName("test-RTP11d");
        var (scheduler, server) = Uts.Mock();
        server.RefuseReconnections();
        AnswerAttach(server, name, HasPresence, [Sync(name, "seq1:", Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100))]);
        await using var client = server.Client(configure: QuickRetries);
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        server.LastConnection!.Drop();
        scheduler.AwaitState(channel, ChannelState.Suspended);
        var error = scheduler.AwaitFailure(channel.Presence.GetAsync());

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.EqualTo(91005));
    }

    // UTS: realtime/unit/RTP11d/get-suspended-no-wait-returns-1
    [Test]
    public async Task RTP11d_GetOnSuspendedChannelWithWaitForSyncFalseReturnsMembers()
    {
        var name = ChannelName("test-RTP11d-nowait");
        var (scheduler, server) = Uts.Mock();
        server.RefuseReconnections();
        AnswerAttach(server, name, HasPresence, [Sync(name, "seq1:", Member(PresenceAction.Present, "alice", "c1", "c1:0:0", 100))]);
        await using var client = server.Client(configure: QuickRetries);
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        server.LastConnection!.Drop();
        scheduler.AwaitState(channel, ChannelState.Suspended);
        var members = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));

        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("alice"));
    }
}
