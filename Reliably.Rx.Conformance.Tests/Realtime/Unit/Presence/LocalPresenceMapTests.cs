using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Presence;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/local_presence_map.md (RTP17): the internal map of members this connection entered, keyed
/// by clientId, as a data structure (<see cref="LocalPresenceMap"/>).
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/local_presence_map.md")]
public sealed class LocalPresenceMapTests
{
    // UTS: realtime/unit/RTP17h/keyed-by-clientid-0
    [Test]
    public void RTP17h_KeyedByClientIdNotMemberKey()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "user-1", "conn-A", "conn-A:0:0", 1000, "first"));
        map.Put(Message(PresenceAction.Enter, "user-1", "conn-B", "conn-B:0:0", 2000, "second"));

        Assert.That(map.Values, Has.Count.EqualTo(1));
        Assert.That(map.Get("user-1"), Is.Not.Null);
        Assert.That(map.Get("user-1")!.Data, Is.EqualTo("second"));
        Assert.That(map.Get("user-1")!.ConnectionId, Is.EqualTo("conn-B"));
    }

    // UTS: realtime/unit/RTP17b/enter-adds-to-map-0
    [Test]
    public void RTP17b_EnterAddsToMap()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "hello"));

        Assert.That(map.Get("client-1"), Is.Not.Null);
        Assert.That(map.Get("client-1")!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Get("client-1")!.Data, Is.EqualTo("hello"));
        Assert.That(map.Values, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP17b/update-adds-to-map-1
    [Test]
    public void RTP17b_UpdateWithNoPriorEntryAddsToMap()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:0:0", 1000, "from-update"));

        Assert.That(map.Get("client-1"), Is.Not.Null);
        Assert.That(map.Get("client-1")!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Get("client-1")!.Data, Is.EqualTo("from-update"));
        Assert.That(map.Values, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP17b/enter-overwrites-enter-2
    [Test]
    public void RTP17b_EnterAfterEnterOverwrites()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "first"));
        map.Put(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:1:0", 2000, "second"));

        Assert.That(map.Values, Has.Count.EqualTo(1));
        Assert.That(map.Get("client-1")!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Get("client-1")!.Data, Is.EqualTo("second"));
    }

    // UTS: realtime/unit/RTP17b/update-overwrites-enter-3
    [Test]
    public void RTP17b_UpdateAfterEnterOverwrites()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "initial"));
        map.Put(Message(PresenceAction.Update, "client-1", "conn-1", "conn-1:1:0", 2000, "updated"));

        Assert.That(map.Values, Has.Count.EqualTo(1));
        Assert.That(map.Get("client-1")!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Get("client-1")!.Data, Is.EqualTo("updated"));
    }

    // UTS: realtime/unit/RTP17b/present-adds-to-map-4
    [Test]
    public void RTP17b_PresentAddsToMap()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Present, "client-1", "conn-1", "conn-1:0:0", 1000, "present"));

        Assert.That(map.Get("client-1"), Is.Not.Null);
        Assert.That(map.Get("client-1")!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Get("client-1")!.Data, Is.EqualTo("present"));
    }

    // UTS: realtime/unit/RTP17b/non-synthesized-leave-removes-5
    [Test]
    public void RTP17b_NonSynthesizedLeaveRemovesFromMap()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000));
        Assert.That(map.Get("client-1"), Is.Not.Null);

        var result = map.Remove(Message(PresenceAction.Leave, "client-1", "conn-1", "conn-1:1:0", 2000));

        Assert.That(result, Is.True);
        Assert.That(map.Get("client-1"), Is.Null);
        Assert.That(map.Values, Is.Empty);
    }

    // UTS: realtime/unit/RTP17b/synthesized-leave-ignored-6
    [Test]
    public void RTP17b_SynthesizedLeaveIsIgnored()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "client-1", "conn-1", "conn-1:0:0", 1000, "entered"));

        var result = map.Remove(Message(PresenceAction.Leave, "client-1", "conn-1", "synthesized-leave-id", 2000));

        Assert.That(result, Is.False);
        Assert.That(map.Get("client-1"), Is.Not.Null);
        Assert.That(map.Get("client-1")!.Data, Is.EqualTo("entered"));
        Assert.That(map.Values, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP17/multiple-clientids-coexist-0
    [Test]
    public void RTP17_MultipleClientIdsCoexist()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0", 100, "alice-data"));
        map.Put(Message(PresenceAction.Enter, "bob", "conn-1", "conn-1:0:1", 100, "bob-data"));
        map.Put(Message(PresenceAction.Enter, "carol", "conn-1", "conn-1:0:2", 100, "carol-data"));

        Assert.That(map.Values, Has.Count.EqualTo(3));
        Assert.That(map.Get("alice")!.Data, Is.EqualTo("alice-data"));
        Assert.That(map.Get("bob")!.Data, Is.EqualTo("bob-data"));
        Assert.That(map.Get("carol")!.Data, Is.EqualTo("carol-data"));
    }

    // UTS: realtime/unit/RTP17/remove-one-of-multiple-1
    [Test]
    public void RTP17_RemoveOneOfMultipleMembers()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0", 100));
        map.Put(Message(PresenceAction.Enter, "bob", "conn-1", "conn-1:0:1", 100));
        map.Remove(Message(PresenceAction.Leave, "alice", "conn-1", "conn-1:1:0", 200));

        Assert.That(map.Get("alice"), Is.Null);
        Assert.That(map.Get("bob"), Is.Not.Null);
        Assert.That(map.Values, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP17/clear-resets-state-2
    [Test]
    public void RTP17_RTP5a_ClearResetsAllState()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0", 100));
        map.Put(Message(PresenceAction.Enter, "bob", "conn-1", "conn-1:0:1", 100));
        Assert.That(map.Values, Has.Count.EqualTo(2));

        map.Clear();

        Assert.That(map.Values, Is.Empty);
        Assert.That(map.Get("alice"), Is.Null);
        Assert.That(map.Get("bob"), Is.Null);
    }

    // UTS: realtime/unit/RTP17/get-null-unknown-clientid-3
    [Test]
    public void RTP17_GetReturnsNullForUnknownClientId()
    {
        var map = new LocalPresenceMap();

        Assert.That(map.Get("nonexistent"), Is.Null);
    }

    // UTS: realtime/unit/RTP17/remove-unknown-noop-4
    [Test]
    public void RTP17_RemoveForUnknownClientIdIsNoOp()
    {
        var map = new LocalPresenceMap();
        map.Put(Message(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0", 100));
        map.Remove(Message(PresenceAction.Leave, "nonexistent", "conn-1", "conn-1:1:0", 200));

        Assert.That(map.Get("alice"), Is.Not.Null);
        Assert.That(map.Values, Has.Count.EqualTo(1));
    }
}
