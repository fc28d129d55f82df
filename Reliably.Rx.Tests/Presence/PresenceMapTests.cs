using Reliably.Rx.Presence;

namespace Reliably.Rx.Tests.Presence;

[TestFixture]
public sealed class PresenceMapTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private DateTimeOffset _now = T0.AddMinutes(1);

    private PresenceMap NewMap() => new(() => _now);

    private static PresenceMessage Msg(PresenceAction action, string clientId, string connectionId, string? id, long atMs = 0, object? data = null) =>
        new(action, clientId, data) { ConnectionId = connectionId, Id = id, Timestamp = T0.AddMilliseconds(atMs) };

    [Test]
    public void RTP2d_EnterIsStoredAsPresent_AndEmittedAsEnter()
    {
        var map = NewMap();
        var emitted = map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:0:0"));

        Assert.That(emitted?.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(map.Members.Single().Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(map.Members.Single().ClientId, Is.EqualTo("alice"));
    }

    [Test]
    public void RTP2b2_OlderMsgSerial_IsRejected_NewerIsApplied()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:5:0", data: "v5"));

        Assert.That(map.Apply(Msg(PresenceAction.Update, "alice", "c1", "c1:4:9", data: "v4")), Is.Null);
        Assert.That(map.Members.Single().Data, Is.EqualTo("v5"));

        Assert.That(map.Apply(Msg(PresenceAction.Update, "alice", "c1", "c1:6:0", data: "v6"))?.Action, Is.EqualTo(PresenceAction.Update));
        Assert.That(map.Members.Single().Data, Is.EqualTo("v6"));
    }

    [Test]
    public void RTP2b2_SameMsgSerial_ComparesIndexNumerically()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:7:2", data: "i2"));

        Assert.That(map.Apply(Msg(PresenceAction.Update, "alice", "c1", "c1:7:10", data: "i10")), Is.Not.Null, "10 > 2 numerically, not as text");
        Assert.That(map.Apply(Msg(PresenceAction.Update, "alice", "c1", "c1:7:9", data: "i9")), Is.Null);
        Assert.That(map.Members.Single().Data, Is.EqualTo("i10"));
    }

    [Test]
    public void RTP2b1_SynthesizedLeave_ComparesByTimestamp_IncomingWinsTie()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:5:0", atMs: 100));

        // A server-synthesized leave has an id that does not start with the member's connectionId.
        Assert.That(map.Apply(Msg(PresenceAction.Leave, "alice", "c1", "synth:1:0", atMs: 99)), Is.Null, "older by timestamp");
        Assert.That(map.Count, Is.EqualTo(1));

        Assert.That(map.Apply(Msg(PresenceAction.Leave, "alice", "c1", "synth:1:0", atMs: 100))?.Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(map.Count, Is.Zero);
    }

    [Test]
    public void RTP2b1_MessageNewerThanSynthesizedEntry_ByTimestamp()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Present, "bob", "c2", "other:3:0", atMs: 500));

        Assert.That(map.Apply(Msg(PresenceAction.Update, "bob", "c2", "c2:1:0", atMs: 400)), Is.Null);
        Assert.That(map.Apply(Msg(PresenceAction.Update, "bob", "c2", "c2:1:0", atMs: 600)), Is.Not.Null);
    }

    [Test]
    public void RTP2h1_LeaveOutsideSync_RemovesAndEmits()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:0:0"));

        var emitted = map.Apply(Msg(PresenceAction.Leave, "alice", "c1", "c1:1:0"));

        Assert.That(emitted?.Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(map.Members, Is.Empty);
    }

    [Test]
    public void LeaveOfUnknownMember_EmitsNothing()
    {
        var map = NewMap();
        Assert.That(map.Apply(Msg(PresenceAction.Leave, "ghost", "c9", "c9:0:0")), Is.Null);
        Assert.That(map.Members, Is.Empty);
    }

    [Test]
    public void RTP2h2_LeaveDuringSync_IsKeptAbsent_NotEmitted_BlocksOlderPresent_AndIsPurgedSilently()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:3:0"));
        map.BeginSyncPage("sync1:cursorA");

        Assert.That(map.Apply(Msg(PresenceAction.Leave, "alice", "c1", "c1:4:0")), Is.Null, "RTP2h2a: stored as ABSENT, not emitted");
        Assert.That(map.Get("c1:alice")?.Action, Is.EqualTo(PresenceAction.Absent));
        Assert.That(map.Members, Is.Empty, "ABSENT members are not members");

        // A SYNC page that still lists the member with an older id must not resurrect it.
        Assert.That(map.Apply(Msg(PresenceAction.Present, "alice", "c1", "c1:3:0")), Is.Null);
        Assert.That(map.EndSyncPageIfLast("sync1:cursorA"), Is.Empty, "not the last page");

        map.BeginSyncPage("sync1:");
        var leaves = map.EndSyncPageIfLast("sync1:");

        Assert.That(leaves, Is.Empty, "the ABSENT purge emits nothing");
        Assert.That(map.Members, Is.Empty);
        Assert.That(map.SyncInProgress, Is.False);
    }

    [Test]
    public void RTP19_AStaleLeaveDuringSync_DoesNotKeepAMemberTheSyncNeverListed()
    {
        // Found by PresenceMapModelTests: any message for a member used to count as a sighting, so a stale LEAVE left a
        // member the server no longer listed in the set for good.
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:5:0", data: "a"));
        map.BeginSyncPage("s:more");

        Assert.That(map.Apply(Msg(PresenceAction.Leave, "alice", "c1", "c1:4:0")), Is.Null, "stale: discarded (RTP2a)");
        map.BeginSyncPage("s:");
        var leaves = map.EndSyncPageIfLast("s:");

        Assert.That(leaves.Select(l => (l.ClientId, l.Action, l.Id)), Is.EqualTo(new[] { ("alice", PresenceAction.Leave, (string?)null) }));
        Assert.That(map.Members, Is.Empty);
    }

    [Test]
    public void RTP19_AStalePresentDuringSync_StillCountsAsSeen()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:5:0", data: "original"));
        map.BeginSyncPage("s:");

        Assert.That(map.Apply(Msg(PresenceAction.Present, "alice", "c1", "c1:3:0", data: "stale")), Is.Null);

        Assert.That(map.EndSyncPageIfLast("s:"), Is.Empty);
        Assert.That(map.Members.Single().Data, Is.EqualTo("original"));
    }

    [Test]
    public void RTP19_MembersNotSeenDuringSync_LeaveWithSynthesizedLeave()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "alice", "c1", "c1:0:0", data: "a"));
        map.Apply(Msg(PresenceAction.Enter, "bob", "c2", "c2:0:0", data: "b"));

        map.BeginSyncPage("s:");
        map.Apply(Msg(PresenceAction.Present, "alice", "c1", "c1:0:0"));
        var leaves = map.EndSyncPageIfLast("s:");

        Assert.That(leaves, Has.Count.EqualTo(1));
        Assert.That(leaves[0].ClientId, Is.EqualTo("bob"));
        Assert.That(leaves[0].Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(leaves[0].Id, Is.Null, "RTP19: a synthesized leave has no id");
        Assert.That(leaves[0].Timestamp, Is.EqualTo(_now));
        Assert.That(leaves[0].Data, Is.EqualTo("b"), "the member's last data is carried");
        Assert.That(map.Members.Select(m => m.ClientId), Is.EqualTo(new[] { "alice" }));
    }

    [Test]
    public void RTP18_SyncAcrossSeveralPages_EndsOnlyOnEmptyCursor()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "old", "c0", "c0:0:0"));

        map.BeginSyncPage("sync7:page1");
        map.Apply(Msg(PresenceAction.Present, "a", "c1", "c1:0:0"));
        Assert.That(map.EndSyncPageIfLast("sync7:page1"), Is.Empty);
        Assert.That(map.SyncInProgress, Is.True);

        map.BeginSyncPage("sync7:page2:with:colons");
        map.Apply(Msg(PresenceAction.Present, "b", "c2", "c2:0:0"));
        Assert.That(map.EndSyncPageIfLast("sync7:page2:with:colons"), Is.Empty);
        Assert.That(map.SyncId, Is.EqualTo("sync7"));

        map.BeginSyncPage("sync7:");
        map.Apply(Msg(PresenceAction.Present, "c", "c3", "c3:0:0"));
        var leaves = map.EndSyncPageIfLast("sync7:");

        Assert.That(leaves.Select(l => l.ClientId), Is.EqualTo(new[] { "old" }));
        Assert.That(map.Members.Select(m => m.ClientId).OrderBy(x => x), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(map.SyncInProgress, Is.False);
    }

    [Test]
    public void RTP18a_NewSyncId_ReplacesSyncInProgress()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "a", "c1", "c1:0:0"));
        map.Apply(Msg(PresenceAction.Enter, "b", "c2", "c2:0:0"));

        map.BeginSyncPage("first:p1");
        map.Apply(Msg(PresenceAction.Present, "a", "c1", "c1:0:0"));

        // A new sync starts before the first one ended: residual tracking restarts from the current set.
        map.BeginSyncPage("second:");
        Assert.That(map.SyncId, Is.EqualTo("second"));
        map.Apply(Msg(PresenceAction.Present, "b", "c2", "c2:0:0"));
        var leaves = map.EndSyncPageIfLast("second:");

        Assert.That(leaves.Select(l => l.ClientId), Is.EqualTo(new[] { "a" }), "a was seen only by the discarded sync");
        Assert.That(map.Members.Select(m => m.ClientId), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void RTP18c_SyncWithoutChannelSerial_IsASinglePage()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "gone", "c1", "c1:0:0"));

        map.BeginSyncPage(null);
        map.Apply(Msg(PresenceAction.Present, "here", "c2", "c2:0:0"));
        var leaves = map.EndSyncPageIfLast(null);

        Assert.That(leaves.Select(l => l.ClientId), Is.EqualTo(new[] { "gone" }));
        Assert.That(map.SyncInProgress, Is.False);
    }

    [Test]
    public void SyncInterleavedWithPresence_LiveEnterDuringSync_IsNotResidual()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "carol", "c3", "c3:0:0"));
        map.BeginSyncPage("s:p1");

        // Live PRESENCE traffic between SYNC pages counts as seeing the member (RTP19).
        Assert.That(map.Apply(Msg(PresenceAction.Update, "carol", "c3", "c3:1:0", data: "live"))?.Action, Is.EqualTo(PresenceAction.Update));
        Assert.That(map.Apply(Msg(PresenceAction.Enter, "dave", "c4", "c4:0:0"))?.Action, Is.EqualTo(PresenceAction.Enter));

        map.BeginSyncPage("s:");
        // The SYNC page carries carol's older state: stale, ignored.
        Assert.That(map.Apply(Msg(PresenceAction.Present, "carol", "c3", "c3:0:0")), Is.Null);
        var leaves = map.EndSyncPageIfLast("s:");

        Assert.That(leaves, Is.Empty);
        Assert.That(map.Members.Select(m => m.ClientId).OrderBy(x => x), Is.EqualTo(new[] { "carol", "dave" }));
        Assert.That(map.Members.Single(m => m.ClientId == "carol").Data, Is.EqualTo("live"));
    }

    [Test]
    public void RTP19a_AttachWithoutHasPresence_EmitsLeaveForEveryMember()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "a", "c1", "c1:0:0"));
        map.Apply(Msg(PresenceAction.Enter, "b", "c2", "c2:0:0"));

        var leaves = map.ClearWithLeaves();

        Assert.That(leaves.Select(l => l.ClientId).OrderBy(x => x), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(leaves.All(l => l.Action == PresenceAction.Leave && l.Id is null), Is.True);
        Assert.That(map.Members, Is.Empty);
    }

    [Test]
    public void RTP5a_Clear_RemovesEverythingSilently_AndAbortsSync()
    {
        var map = NewMap();
        map.Apply(Msg(PresenceAction.Enter, "a", "c1", "c1:0:0"));
        map.BeginSyncPage("s:p1");
        var before = map.Version;

        map.Clear();

        Assert.That(map.Members, Is.Empty);
        Assert.That(map.SyncInProgress, Is.False);
        Assert.That(map.Version, Is.GreaterThan(before));
        Assert.That(map.EndSync(), Is.Empty);
    }

    [TestCase("abc:def", "abc", false)]
    [TestCase("abc:", "abc", true)]
    [TestCase("abc:d:e:f", "abc", false)]
    [TestCase(null, null, true)]
    public void RTP18_SyncSerial_SplitsAtFirstColon(string? serial, string? syncId, bool isLast)
    {
        var parsed = PresenceMap.ParseSyncSerial(serial);
        Assert.That(parsed.SyncId, Is.EqualTo(syncId));
        Assert.That(parsed.IsLast, Is.EqualTo(isLast));
    }
}
