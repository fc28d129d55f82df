using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Presence;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/presence_sync.md (RTP18, RTP19): the SYNC lifecycle on the presence map as a data
/// structure: <c>startSync</c>, <c>put</c>/<c>remove</c> (<see cref="PresenceMap.Apply"/>), <c>endSync</c>.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/presence_sync.md")]
public sealed class PresenceSyncTests
{
    private static PresenceMap NewMap() => new(() => DateTimeOffset.UtcNow);

    // UTS: realtime/unit/RTP18a/startsync-sets-flag-0
    [Test]
    public void RTP18a_StartSyncSetsSyncInProgress()
    {
        var map = NewMap();
        Assert.That(map.SyncInProgress, Is.False);

        map.StartSync();

        Assert.That(map.SyncInProgress, Is.True);
    }

    // UTS: realtime/unit/RTP18b/endsync-clears-flag-0
    [Test]
    public void RTP18b_EndSyncClearsSyncInProgress()
    {
        var map = NewMap();
        map.StartSync();
        Assert.That(map.SyncInProgress, Is.True);

        map.EndSync();

        Assert.That(map.SyncInProgress, Is.False);
    }

    // UTS: realtime/unit/RTP19/stale-members-leave-after-sync-0
    [Test]
    public void RTP19_StaleMembersGetLeaveEventsAfterSync()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));
        Assert.That(map.Members, Has.Count.EqualTo(2));

        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Has.Count.EqualTo(1));
        Assert.That(leaveEvents[0].ClientId, Is.EqualTo("bob"));
        Assert.That(leaveEvents[0].Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(map.Members, Has.Count.EqualTo(1));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c2:bob"), Is.Null);
    }

    // UTS: realtime/unit/RTP19/synth-leave-null-id-timestamp-1
    [Test]
    public void RTP19_SynthesizedLeaveHasNullIdAndCurrentTimestamp()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100, "bob-data"));

        var beforeTime = DateTimeOffset.UtcNow;
        map.StartSync();
        var leaveEvents = map.EndSync();
        var afterTime = DateTimeOffset.UtcNow;

        Assert.That(leaveEvents, Has.Count.EqualTo(1));
        var leave = leaveEvents[0];
        Assert.That(leave.Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(leave.ClientId, Is.EqualTo("bob"));
        Assert.That(leave.ConnectionId, Is.EqualTo("c2"));
        Assert.That(leave.Data, Is.EqualTo("bob-data"));
        Assert.That(leave.Id, Is.Null);
        Assert.That(leave.Timestamp, Is.GreaterThanOrEqualTo(beforeTime));
        Assert.That(leave.Timestamp, Is.LessThanOrEqualTo(afterTime));
    }

    // UTS: realtime/unit/RTP19/updated-members-survive-sync-2
    [Test]
    public void RTP19_MembersUpdatedDuringSyncSurvive()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "carol", "c3", "c3:0:0", 100));

        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));
        map.Apply(Message(PresenceAction.Update, "bob", "c2", "c2:1:0", 200, "new-data"));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Has.Count.EqualTo(1));
        Assert.That(leaveEvents[0].ClientId, Is.EqualTo("carol"));
        Assert.That(map.Members, Has.Count.EqualTo(2));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c2:bob"), Is.Not.Null);
        Assert.That(map.Get("c2:bob")!.Data, Is.EqualTo("new-data"));
    }

    // UTS: realtime/unit/RTP18a/new-sync-discards-previous-1
    [Test]
    public void RTP18a_NewSyncDiscardsPreviousInFlightSync()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));

        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));

        // A new sequence identifier: a new sync replaces the one in flight.
        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:2:0", 300));
        map.Apply(Message(PresenceAction.Present, "bob", "c2", "c2:1:0", 300));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Members, Has.Count.EqualTo(2));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c2:bob"), Is.Not.Null);
    }

    // UTS: realtime/unit/RTP18c/single-message-sync-0
    [Test]
    public void RTP18c_SingleMessageSync()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));

        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Has.Count.EqualTo(1));
        Assert.That(leaveEvents[0].ClientId, Is.EqualTo("bob"));
        Assert.That(leaveEvents[0].Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(map.Members, Has.Count.EqualTo(1));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.SyncInProgress, Is.False);
    }

    // UTS: realtime/unit/RTP19a/no-has-presence-clears-members-0
    [Test]
    public void RTP19a_AttachedWithoutHasPresenceClearsAllMembers()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100, "a"));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100, "b"));
        map.Apply(Message(PresenceAction.Enter, "carol", "c3", "c3:0:0", 100, "c"));

        map.StartSync();
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Has.Count.EqualTo(3));
        foreach (var (clientId, data) in new[] { ("alice", "a"), ("bob", "b"), ("carol", "c") })
        {
            var leave = leaveEvents.SingleOrDefault(e => e.ClientId == clientId);
            Assert.That(leave, Is.Not.Null, clientId);
            Assert.That(leave!.Action, Is.EqualTo(PresenceAction.Leave));
            Assert.That(leave.Data, Is.EqualTo(data));
            Assert.That(leave.Id, Is.Null);
        }

        Assert.That(map.Members, Is.Empty);
    }

    // UTS: realtime/unit/RTP2h2a/leave-during-sync-absent-cleanup-0
    [Test]
    [Divergence("A LEAVE during a SYNC was emitted at once; it is now stored as ABSENT without an event (RTP2h2a) and purged silently when the SYNC ends (RTP2h2b).")]
    public void RTP2h2a_RTP2h2b_LeaveDuringSyncStoredAsAbsentThenCleanedUp()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));

        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));
        var leaveResult = map.Apply(Message(PresenceAction.Leave, "bob", "c2", "c2:1:0", 200));

        Assert.That(leaveResult, Is.Null);
        Assert.That(map.Get("c2:bob"), Is.Not.Null);
        Assert.That(map.Get("c2:bob")!.Action, Is.EqualTo(PresenceAction.Absent));

        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Get("c2:bob"), Is.Null);
        Assert.That(map.Members, Has.Count.EqualTo(1));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
    }

    // UTS: realtime/unit/RTP19/empty-map-sync-no-leaves-3
    [Test]
    public void RTP19_EmptyMapSyncProducesNoLeaveEvents()
    {
        var map = NewMap();
        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:0:0", 100));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Members, Has.Count.EqualTo(1));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
    }

    // UTS: realtime/unit/RTP18/endsync-without-startsync-noop-0
    [Test]
    public void RTP18_EndSyncWithoutStartSyncIsNoOp()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Members, Has.Count.EqualTo(1));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.SyncInProgress, Is.False);
    }

    // UTS: realtime/unit/RTP19/stale-sync-removes-from-residuals-4
    [Test]
    public void RTP19_StaleSyncMessageStillRemovesMemberFromResiduals()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:5:0", 500, "original"));

        map.StartSync();
        var result = map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:3:0", 300, "stale"));
        var leaveEvents = map.EndSync();

        Assert.That(result, Is.Null);
        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Members, Has.Count.EqualTo(1));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c1:alice")!.Data, Is.EqualTo("original"));
    }

    // UTS: realtime/unit/RTP19/presence-echoes-then-sync-preserves-5
    [Test]
    public void RTP19_PresenceEchoesFollowedBySyncPreserveAllMembers()
    {
        var map = NewMap();
        for (var i = 0; i < 3; i++)
        {
            map.Apply(Message(PresenceAction.Enter, $"user-{i}", "c1", $"c1:{i}:0", 100, $"data-{i}"));
        }

        Assert.That(map.Members, Has.Count.EqualTo(3));

        map.StartSync();
        for (var i = 0; i < 3; i++)
        {
            map.Apply(Message(PresenceAction.Present, $"user-{i}", "c1", $"c1:{i}:0", 100, $"data-{i}"));
        }

        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Members, Has.Count.EqualTo(3));
        for (var i = 0; i < 3; i++)
        {
            var member = map.Get($"c1:user-{i}");
            Assert.That(member, Is.Not.Null);
            Assert.That(member!.Data, Is.EqualTo($"data-{i}"));
        }
    }

    // UTS: realtime/unit/RTP19/new-member-during-sync-survives-6
    [Test]
    public void RTP19_NewMemberAddedDuringSyncIsNotStale()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));

        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 200));
        var leaveEvents = map.EndSync();

        Assert.That(leaveEvents, Is.Empty);
        Assert.That(map.Members, Has.Count.EqualTo(2));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c2:bob"), Is.Not.Null);
    }
}
