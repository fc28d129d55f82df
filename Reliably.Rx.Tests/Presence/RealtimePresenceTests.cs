using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Channels;

namespace Reliably.Rx.Tests.Presence;

/// <summary>Realtime presence in virtual time: a fake transport plays the server, everything runs on a TestScheduler.</summary>
[TestFixture]
public sealed class RealtimePresenceTests
{
    private static ChannelHarness NewHarness(string? clientId = "alice") =>
        new(options: null, configure: o => o with { ClientId = clientId });

    private static ProtocolMessage PresenceFrame(string channel, params PresenceMessage[] members) =>
        new(ProtocolAction.Presence, channel) { Presence = members, Timestamp = 1_700_000_000_000 };

    private static ProtocolMessage SyncFrame(string channel, string? serial, params PresenceMessage[] members) =>
        new(ProtocolAction.Sync, channel) { ChannelSerial = serial, Presence = members };

    private static PresenceMessage Member(PresenceAction action, string clientId, string connectionId, string id, object? data = null) =>
        new(action, clientId, data) { ConnectionId = connectionId, Id = id, Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000) };

    private static List<IReadOnlyList<PresenceMessage>> RecordMembers(ChannelHarness h)
    {
        var sets = new List<IReadOnlyList<PresenceMessage>>();
        h.Channel.Presence.Members.Subscribe(sets.Add);
        h.Pump();
        return sets;
    }

    [Test]
    public async Task RTP1_AttachedWithoutHasPresence_MeansAnEmptySet_AndGetReturnsAtOnce()
    {
        await using var h = NewHarness();
        var presence = h.Channel.Presence;
        await h.AttachNow(flags: ProtocolFlags.None);

        var get = presence.GetAsync();
        h.Pump();

        // No SYNC is coming, so the answer needs nothing more from the server.
        Assert.That(await get.WaitAsync(TimeSpan.FromSeconds(5)), Is.Empty);
        Assert.That(presence.SyncComplete, Is.True);
    }

    [Test]
    public async Task RTP11c1_GetWaitsForTheLastSyncPage_RTP18()
    {
        await using var h = NewHarness();
        var presence = h.Channel.Presence;
        await h.AttachNow(flags: ProtocolFlags.HasPresence);

        var get = presence.GetAsync();
        h.Receive(SyncFrame(h.Name, "sync1:cursor1", Member(PresenceAction.Present, "a", "c1", "c1:0:0")));
        Assert.That(get.IsCompleted, Is.False, "the sync is not over after the first page");

        h.Receive(SyncFrame(h.Name, "sync1:", Member(PresenceAction.Present, "b", "c2", "c2:0:0")));
        var members = await get.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(members.Select(m => m.ClientId).OrderBy(x => x), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(members.All(m => m.Action == PresenceAction.Present), Is.True);
    }

    [Test]
    public async Task RTP11c2_GetFiltersByClientIdAndConnectionId()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.HasPresence);
        h.Receive(SyncFrame(h.Name, null,
            Member(PresenceAction.Present, "a", "c1", "c1:0:0"),
            Member(PresenceAction.Present, "a", "c2", "c2:0:0"),
            Member(PresenceAction.Present, "b", "c2", "c2:0:1")));

        var byClient = h.Channel.Presence.GetAsync(clientId: "a");
        var byConnection = h.Channel.Presence.GetAsync(connectionId: "c2");
        h.Pump();

        Assert.That((await byClient).Select(m => m.ConnectionId).OrderBy(x => x), Is.EqualTo(new[] { "c1", "c2" }));
        Assert.That((await byConnection).Select(m => m.ClientId).OrderBy(x => x), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task Members_StartsWithTheSnapshot_ThenEveryChange()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.HasPresence);
        h.Receive(SyncFrame(h.Name, null, Member(PresenceAction.Present, "a", "c1", "c1:0:0")));

        var sets = RecordMembers(h);
        Assert.That(sets, Has.Count.EqualTo(1));
        Assert.That(sets[0].Select(m => m.ClientId), Is.EqualTo(new[] { "a" }), "a late subscriber gets the current set first");

        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "b", "c2", "c2:1:0")));
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Leave, "a", "c1", "c1:2:0")));

        Assert.That(sets.Select(s => string.Join(",", s.Select(m => m.ClientId).OrderBy(x => x))), Is.EqualTo(new[] { "a", "a,b", "b" }));
    }

    [Test]
    public async Task Members_SubscribedAgainAfterChangesUnwatched_StartsWithTheCurrentSet()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.HasPresence);
        h.Receive(SyncFrame(h.Name, null, Member(PresenceAction.Present, "a", "c1", "c1:0:0")));
        var first = new List<IReadOnlyList<PresenceMessage>>();
        var subscription = h.Channel.Presence.Members.Subscribe(first.Add);
        h.Pump();
        subscription.Dispose();
        h.Pump();

        // Nobody watches the set while these arrive.
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "b", "c2", "c2:1:0")));
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Leave, "a", "c1", "c1:2:0")));
        var sets = RecordMembers(h);
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "c", "c3", "c3:1:0")));

        Assert.That(first.Select(s => string.Join(",", s.Select(m => m.ClientId))), Is.EqualTo(new[] { "a" }));
        Assert.That(sets.Select(s => string.Join(",", s.Select(m => m.ClientId).OrderBy(x => x))), Is.EqualTo(new[] { "b", "b,c" }));
    }

    [Test]
    public async Task RTP2_OneChange_WithThousandsPresent_DoesNotCopyTheSet_WhenMembersIsNotWatched()
    {
        const int present = 4_000;
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.HasPresence);
        var members = Enumerable.Range(0, present).Select(i => Member(PresenceAction.Present, "m" + i, "c1", $"c1:0:{i}")).ToArray();
        h.Receive(SyncFrame(h.Name, null, members));
        var events = new List<PresenceMessage>();
        h.Channel.Presence.Events.Subscribe(events.Add);
        h.Pump();
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Update, "m0", "c1", "c1:1:0", "warm")));

        var before = GC.GetAllocatedBytesForCurrentThread();
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Update, "m1", "c1", "c1:2:0", "changed")));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(events.Select(e => e.ClientId), Is.EqualTo(new[] { "m0", "m1" }));
        Assert.That(allocated, Is.LessThan(present * IntPtr.Size), "a copy of the member set (one reference per member) was made for one change");
    }

    [Test]
    public async Task RTP6_Events_CarryTheOriginalActions_AndEventsOfFilters()
    {
        await using var h = NewHarness();
        var all = new List<PresenceMessage>();
        var enters = new List<PresenceMessage>();
        h.Channel.Presence.Events.Subscribe(all.Add);
        h.Channel.Presence.EventsOf(PresenceAction.Enter).Subscribe(enters.Add);
        await h.AttachNow(flags: ProtocolFlags.None);

        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "a", "c1", "c1:0:0")));
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Update, "a", "c1", "c1:1:0", "new")));
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Leave, "a", "c1", "c1:2:0")));

        Assert.That(all.Select(e => e.Action), Is.EqualTo(new[] { PresenceAction.Enter, PresenceAction.Update, PresenceAction.Leave }));
        Assert.That(enters.Select(e => e.ClientId), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task TP3_IdConnectionIdAndTimestamp_AreFilledFromTheProtocolMessage()
    {
        await using var h = NewHarness();
        var all = new List<PresenceMessage>();
        h.Channel.Presence.Events.Subscribe(all.Add);
        await h.AttachNow(flags: ProtocolFlags.None);

        h.Receive(new ProtocolMessage(ProtocolAction.Presence, h.Name)
        {
            Id = "cx:4", ConnectionId = "cx", Timestamp = 1_700_000_000_123,
            Presence = [new PresenceMessage(PresenceAction.Enter, "a"), new PresenceMessage(PresenceAction.Enter, "b")],
        });

        Assert.That(all.Select(e => e.Id), Is.EqualTo(new[] { "cx:4:0", "cx:4:1" }));
        Assert.That(all.All(e => e.ConnectionId == "cx"), Is.True);
        Assert.That(all[0].Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)));
    }

    [Test]
    public async Task RTP8j_EnterWithoutClientId_Fails91000()
    {
        await using var h = NewHarness(clientId: null);
        var ex = Assert.ThrowsAsync<AblyException>(() => h.Channel.Presence.EnterAsync("data"));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.PresenceClientIdRequired));
        await Task.CompletedTask;
    }

    [Test]
    public async Task RTP8_EnterAttachesSendsPresence_AndCompletesOnAck()
    {
        await using var h = NewHarness();
        var enter = h.Channel.Presence.EnterAsync("hello");
        h.Pump();
        Assert.That(h.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1), "RTP8d: enter attaches implicitly");
        h.Receive(h.Attached(flags: ProtocolFlags.None));

        var sent = h.Sent(ProtocolAction.Presence).Single();
        Assert.That(sent.Presence!.Single().Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(sent.Presence!.Single().ClientId, Is.Null, "acting as itself, the client omits clientId");
        Assert.That(sent.Presence!.Single().Data, Is.EqualTo("hello"));
        Assert.That(enter.IsCompleted, Is.False);

        h.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = sent.MsgSerial, Count = 1 });
        await enter.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task RTP8_NackFaultsTheEnter()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.None);
        var enter = h.Channel.Presence.EnterAsync();
        h.Pump();
        var sent = h.Sent(ProtocolAction.Presence).Single();

        h.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = sent.MsgSerial, Count = 1, Error = new ErrorInfo(40160, 401, "denied") });

        var ex = Assert.ThrowsAsync<AblyException>(() => enter.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(40160));
    }

    [Test]
    public async Task RTP15_EnterClient_RequiresMatchingOrWildcardIdentity()
    {
        await using var h = NewHarness(clientId: "alice");
        var ex = Assert.ThrowsAsync<AblyException>(() => h.Channel.Presence.EnterClientAsync("bob"));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidClientId));
        var star = Assert.ThrowsAsync<AblyException>(() => h.Channel.Presence.EnterClientAsync("*"));
        Assert.That(star!.Code, Is.EqualTo(ErrorCodes.InvalidClientId));
    }

    [Test]
    public async Task RTP17i_OwnMembersAreReentered_AfterAnAttachedWithoutResumed_ButNotWithResumed()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.None);

        // The server echoes our own ENTER: this connection's member is now tracked for re-entry (RTP17).
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0", "my-data")));
        var before = h.Sent(ProtocolAction.Presence).Count();

        h.Receive(h.Attached(serial: "serial-1", flags: ProtocolFlags.Resumed));
        Assert.That(h.Sent(ProtocolAction.Presence).Count(), Is.EqualTo(before), "RESUMED: continuity kept, nothing to re-enter");

        // RTL12: an extra ATTACHED without RESUMED is a loss of continuity.
        h.Receive(h.Attached(serial: "serial-2", flags: ProtocolFlags.None));
        var reentry = h.Sent(ProtocolAction.Presence).Skip(before).Single().Presence!.Single();

        Assert.That(reentry.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(reentry.ClientId, Is.EqualTo("alice"));
        Assert.That(reentry.Data, Is.EqualTo("my-data"));
        Assert.That(reentry.Id, Is.EqualTo("conn-1:0:0"), "RTP17g1: same connection, so the id is kept");
    }

    [Test]
    public async Task RTP17i_OwnMembersAreReentered_WhenAReattachCompletesWithResumed()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.None);
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0", "my-data")));
        var before = h.Sent(ProtocolAction.Presence).Count();

        // RTL13a: an unsolicited DETACHED: the channel re-attaches; its ATTACHED has RESUMED, but the channel was not
        // attached when it arrived, so the exception of RTP17i does not apply.
        h.Receive(h.Detached());
        Assert.That(h.Channel.State, Is.EqualTo(ChannelState.Attaching));
        h.Receive(h.Attached(serial: "serial-3", flags: ProtocolFlags.Resumed));

        var reentry = h.Sent(ProtocolAction.Presence).Skip(before).Single().Presence!.Single();
        Assert.That(reentry.Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(reentry.ClientId, Is.EqualTo("alice"));
    }

    [Test]
    public async Task RTP17e_FailedReentry_IsReportedWith91004()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.None);
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0")));
        h.Receive(h.Attached(serial: "serial-2", flags: ProtocolFlags.None));
        var reentry = h.Sent(ProtocolAction.Presence).Last();

        h.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = reentry.MsgSerial, Count = 1, Error = new ErrorInfo(40160, 401, "no") });
        h.Pump();

        var error = h.Errors.OfType<AblyException>().SingleOrDefault(e => e.Code == ErrorCodes.PresenceReenterFailed);
        Assert.That(error, Is.Not.Null, "a failed automatic re-entry is reported with 91004");
        Assert.That(error!.ErrorInfo.Cause?.Code, Is.EqualTo(40160));
        var update = h.Changes.Last();
        Assert.That(update.Event, Is.EqualTo(ChannelEvent.Update), "RTP17e: the channel emits UPDATE");
        Assert.That(update.Resumed, Is.True);
        Assert.That(update.Reason?.Code, Is.EqualTo(ErrorCodes.PresenceReenterFailed));
    }

    [Test]
    public async Task RTP17b_SynthesizedLeaveOfOwnMember_DoesNotStopReentry()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.None);
        h.Receive(PresenceFrame(h.Name, Member(PresenceAction.Enter, "alice", "conn-1", "conn-1:0:0")));
        h.Receive(PresenceFrame(h.Name, new PresenceMessage(PresenceAction.Leave, "alice")
        {
            ConnectionId = "conn-1", Id = "synthesized:9:0", Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500),
        }));
        var before = h.Sent(ProtocolAction.Presence).Count();

        h.Receive(h.Attached(serial: "serial-2", flags: ProtocolFlags.None));

        Assert.That(h.Sent(ProtocolAction.Presence).Count(), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task RTP5a_DetachedClearsTheSetWithoutEvents()
    {
        await using var h = NewHarness();
        var events = new List<PresenceMessage>();
        h.Channel.Presence.Events.Subscribe(events.Add);
        await h.AttachNow(flags: ProtocolFlags.HasPresence);
        h.Receive(SyncFrame(h.Name, null, Member(PresenceAction.Present, "a", "c1", "c1:0:0")));
        var sets = RecordMembers(h);
        var eventsBefore = events.Count;

        var detach = h.Channel.DetachAsync();
        h.Pump();
        h.Receive(h.Detached());
        await detach.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(events.Count, Is.EqualTo(eventsBefore), "no LEAVE events for a cleared set");
        Assert.That(sets.Last(), Is.Empty);
    }

    [Test]
    public async Task RTP11d_GetOnSuspendedChannel_Fails91005_UnlessWaitForSyncIsFalse()
    {
        await using var h = NewHarness();
        await h.AttachNow(flags: ProtocolFlags.HasPresence);
        h.Receive(SyncFrame(h.Name, null, Member(PresenceAction.Present, "a", "c1", "c1:0:0")));

        // RTL3c: the connection going SUSPENDED suspends the channel; the presence set is kept (RTP5f).
        h.Transport.Drop();
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(121));
        h.Pump();
        Assert.That(h.Channel.State, Is.EqualTo(ChannelState.Suspended), "precondition");

        var failing = h.Channel.Presence.GetAsync();
        h.Pump();
        var ex = Assert.ThrowsAsync<AblyException>(() => failing.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.PresenceOutOfSync));

        var get = h.Channel.Presence.GetAsync(waitForSync: false);
        h.Pump();
        Assert.That((await get).Select(m => m.ClientId), Is.EqualTo(new[] { "a" }));
    }
}
