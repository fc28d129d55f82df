using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Presence;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/presence_map.md (RTP2): the presence map as a data structure. The spec's <c>put</c> and
/// <c>remove</c> are both <see cref="PresenceMap.Apply"/> (the action decides), <c>get</c> is <see cref="PresenceMap.Get"/>
/// (ABSENT markers included), <c>values()</c> is <see cref="PresenceMap.Members"/>.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/presence_map.md")]
public sealed class PresenceMapTests
{
    private static PresenceMap NewMap() => new(() => DateTimeOffset.UtcNow);

    // UTS: realtime/unit/RTP2/basic-put-and-get-0
    [Test]
    public void RTP2_BasicPutAndGet()
    {
        var map = NewMap();
        var result = map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000));

        Assert.That(result, Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1"), Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1")!.ClientId, Is.EqualTo("client-1"));
        Assert.That(map.Get("conn-1:client-1")!.ConnectionId, Is.EqualTo("conn-1"));
    }

    // UTS: realtime/unit/RTP2d2/enter-stored-as-present-0
    [Test]
    public void RTP2d2_EnterStoredAsPresent()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "entered"));

        var stored = map.Get("conn-1:client-1");
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(stored.Data, Is.EqualTo("entered"));
    }

    // UTS: realtime/unit/RTP2d2/update-stored-as-present-1
    [Test]
    public void RTP2d2_UpdateStoredAsPresent()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "initial"));
        map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:1:0", 2000, "updated"));

        var stored = map.Get("conn-1:client-1")!;
        Assert.That(stored.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(stored.Data, Is.EqualTo("updated"));
    }

    // UTS: realtime/unit/RTP2d2/present-stored-as-present-2
    [Test]
    public void RTP2d2_PresentStoredAsPresent()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Present, "client-1", "conn-1", "conn-1:0:0", 1000));

        var stored = map.Get("conn-1:client-1");
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Action, Is.EqualTo(PresenceAction.Present));
    }

    // UTS: realtime/unit/RTP2d1/put-returns-original-action-0
    [Test]
    public void RTP2d1_PutReturnsMessageWithOriginalAction()
    {
        var map = NewMap();
        var emittedEnter = map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000));
        var emittedUpdate = map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:1:0", 2000, "updated"));

        Assert.That(emittedEnter, Is.Not.Null);
        Assert.That(emittedEnter!.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(emittedUpdate, Is.Not.Null);
        Assert.That(emittedUpdate!.Action, Is.EqualTo(PresenceAction.Update));
    }

    // UTS: realtime/unit/RTP2h1/leave-outside-sync-removes-0
    [Test]
    public void RTP2h1_RTP2h1a_RTP2h1b_LeaveOutsideSyncRemovesMember()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000));
        var emitted = map.Apply(Message(PresenceAction.Leave, "client-1", "conn-1", "conn-1:1:0", 2000));

        Assert.That(emitted, Is.Not.Null);
        Assert.That(emitted!.Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(map.Get("conn-1:client-1"), Is.Null);
        Assert.That(map.Members, Is.Empty);
    }

    // UTS: realtime/unit/RTP2h1/leave-nonexistent-returns-null-1
    [Test]
    public void RTP2h1_LeaveForNonExistentMemberReturnsNull()
    {
        var map = NewMap();
        var emitted = map.Apply(Message(PresenceAction.Leave, "unknown", "conn-x", "conn-x:0:0", 1000));

        Assert.That(emitted, Is.Null);
    }

    // UTS: realtime/unit/RTP2h2a/leave-during-sync-stores-absent-0
    [Test]
    [Divergence("A LEAVE during a SYNC was stored as ABSENT but also emitted; it is now stored silently (RTP2h2a) and the ABSENT marker purged without an event when the SYNC ends (RTP2h2b). A SYNC now begins with its first SYNC frame (RTP18a), not with ATTACHED(HAS_PRESENCE), so a LEAVE before the SYNC is still emitted (RTP2h1a, the RTP6a case).")]
    public void RTP2h2a_LeaveDuringSyncStoresAbsent()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000));
        map.StartSync();
        var emitted = map.Apply(Message(PresenceAction.Leave, "client-1", "conn-1", "conn-1:1:0", 2000));

        Assert.That(emitted, Is.Null);
        var stored = map.Get("conn-1:client-1");
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Action, Is.EqualTo(PresenceAction.Absent));
    }

    // UTS: realtime/unit/RTP2h2b/absent-deleted-on-endsync-0
    [Test]
    public void RTP2h2b_AbsentMembersDeletedOnEndSync()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));
        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "alice", "c1", "c1:1:0", 200));
        map.Apply(Message(PresenceAction.Leave, "bob", "c2", "c2:1:0", 200));
        map.EndSync();

        Assert.That(map.Get("c2:bob"), Is.Null);
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c1:alice")!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Members, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP2b2/newness-by-msgserial-index-0
    [Test]
    public void RTP2b2_RTP2a_NewnessComparedByMsgSerialThenIndex()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:5:0", 1000, "first"));
        var stale = map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:3:0", 2000, "stale"));

        Assert.That(stale, Is.Null);
        Assert.That(map.Get("conn-1:client-1")!.Data, Is.EqualTo("first"));

        var newer = map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:7:0", 500, "newer"));
        Assert.That(newer, Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1")!.Data, Is.EqualTo("newer"));
    }

    // UTS: realtime/unit/RTP2b2/newness-by-index-same-serial-1
    [Test]
    public void RTP2b2_NewnessComparedByIndexWhenMsgSerialEqual()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:5:2", 1000, "index-2"));
        var stale = map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:5:1", 2000, "index-1"));
        var newer = map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:5:5", 500, "index-5"));

        Assert.That(stale, Is.Null);
        Assert.That(newer, Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1")!.Data, Is.EqualTo("index-5"));
    }

    // UTS: realtime/unit/RTP2b1/newness-by-timestamp-0
    [Test]
    public void RTP2b1_SynthesizedLeaveComparedByTimestamp()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "entered"));
        var synthLeave = map.Apply(Message(PresenceAction.Leave, "client-1", "conn-1", "synthesized-leave-id", 2000));

        Assert.That(synthLeave, Is.Not.Null);
        Assert.That(synthLeave!.Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(map.Get("conn-1:client-1"), Is.Null);
    }

    // UTS: realtime/unit/RTP2b1/older-synth-leave-rejected-1
    [Test]
    public void RTP2b1_OlderSynthesizedLeaveRejected()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 5000, "entered"));
        var result = map.Apply(Message(PresenceAction.Leave, "client-1", "conn-1", "synthesized-leave-id", 3000));

        Assert.That(result, Is.Null);
        Assert.That(map.Get("conn-1:client-1"), Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1")!.Data, Is.EqualTo("entered"));
    }

    // UTS: realtime/unit/RTP2b1a/equal-timestamps-incoming-wins-0
    [Test]
    public void RTP2b1a_EqualTimestampsIncomingMessageIsNewer()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "client-1", "conn-1", "synthesized-id-1", 1000, "first"));
        var result = map.Apply(Message(PresenceAction.Update, "client-1", "conn-1", "synthesized-id-2", 1000, "second"));

        Assert.That(result, Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1")!.Data, Is.EqualTo("second"));
    }

    // UTS: realtime/unit/RTP2c/sync-uses-same-newness-0
    [Test]
    public void RTP2c_SyncMessagesUseSameNewnessComparison()
    {
        var map = NewMap();
        map.StartSync();
        map.Apply(Message(PresenceAction.Present, "client-1", "conn-1", "conn-1:5:0", 1000, "sync-first"));
        var stale = map.Apply(Message(PresenceAction.Present, "client-1", "conn-1", "conn-1:3:0", 2000, "sync-stale"));
        var newer = map.Apply(Message(PresenceAction.Present, "client-1", "conn-1", "conn-1:8:0", 500, "sync-newer"));

        Assert.That(stale, Is.Null);
        Assert.That(newer, Is.Not.Null);
        Assert.That(map.Get("conn-1:client-1")!.Data, Is.EqualTo("sync-newer"));
    }

    // UTS: realtime/unit/RTP2/multiple-members-coexist-1
    [Test]
    public void RTP2_MultipleMembersCoexist()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "alice", "c3", "c3:0:0", 100));

        Assert.That(map.Members, Has.Count.EqualTo(3));
        Assert.That(map.Get("c1:alice"), Is.Not.Null);
        Assert.That(map.Get("c2:bob"), Is.Not.Null);
        Assert.That(map.Get("c3:alice"), Is.Not.Null);
    }

    // UTS: realtime/unit/RTP2/values-excludes-absent-2
    [Test]
    public void RTP2_ValuesExcludesAbsentMembers()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.Apply(Message(PresenceAction.Enter, "bob", "c2", "c2:0:0", 100));
        map.StartSync();
        map.Apply(Message(PresenceAction.Leave, "bob", "c2", "c2:1:0", 200));

        Assert.That(map.Get("c2:bob"), Is.Not.Null);
        Assert.That(map.Get("c2:bob")!.Action, Is.EqualTo(PresenceAction.Absent));
        var members = map.Members;
        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("alice"));
    }

    // UTS: realtime/unit/RTP2/clear-resets-state-3
    [Test]
    public void RTP2_ClearResetsAllState()
    {
        var map = NewMap();
        map.Apply(Message(PresenceAction.Enter, "alice", "c1", "c1:0:0", 100));
        map.StartSync();
        map.Clear();

        Assert.That(map.Members, Is.Empty);
        Assert.That(map.Get("c1:alice"), Is.Null);
        Assert.That(map.SyncInProgress, Is.False);
    }
}
