using System.Reactive.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration;

/// <summary>
/// uts/realtime/integration/presence_lifecycle_test.md (RTP4, RTP6, RTP8, RTP9, RTP10, RTP11a): presence on one
/// connection observed on another, once per protocol (json, msgpack).
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/presence_lifecycle_test.md")]
public sealed class PresenceLifecycleTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTP4/bulk-enter-observed-0
    [Test]
    public async Task RTP4_RTP6_RTP11a_BulkEnterClientObservedOnDifferentConnection([Values("json", "msgpack")] string protocol)
    {
        const int memberCount = 50;
        var binary = protocol == "msgpack";
        var channelName = UniqueChannel("presence-bulk");
        var clientA = await ConnectedAsync(binary: binary);
        var clientB = await ConnectedAsync(binary: binary);
        var channelA = clientA.Channels.Get(channelName);
        var channelB = clientB.Channels.Get(channelName);
        await channelB.AttachAsync().WaitAsync(Wait);

        // Counted by clientId from ENTER and PRESENT: members missed during a drop come back as PRESENT in a re-sync.
        var enteredClientIds = new Collector<string>();
        using var subscription = channelB.Presence.Events
            .Where(e => e.Action is PresenceAction.Enter or PresenceAction.Present)
            .Select(e => e.ClientId!)
            .Distinct()
            .Subscribe(enteredClientIds);
        await channelA.AttachAsync().WaitAsync(Wait);

        var futures = Enumerable.Range(0, memberCount).Select(i => channelA.Presence.EnterClientAsync($"user-{i}", $"data-{i}")).ToList();
        await Task.WhenAll(futures).WaitAsync(Wait);
        await enteredClientIds.WaitForAsync(memberCount, TimeSpan.FromSeconds(15) + Wait);
        var members = await channelB.Presence.GetAsync().WaitAsync(Wait);

        Assert.That(enteredClientIds.Items, Has.Count.EqualTo(memberCount));
        Assert.That(members, Has.Count.EqualTo(memberCount));
        for (var i = 0; i < memberCount; i++)
        {
            var member = members.FirstOrDefault(m => m.ClientId == $"user-{i}");
            Assert.That(member, Is.Not.Null, $"user-{i}");
            Assert.That(member!.Data, Is.EqualTo($"data-{i}"));
        }
    }

    // UTS: realtime/integration/RTP8/enter-update-leave-lifecycle-0
    [Test]
    public async Task RTP8_RTP9_RTP10_EnterUpdateLeaveLifecycle([Values("json", "msgpack")] string protocol)
    {
        var binary = protocol == "msgpack";
        var channelName = UniqueChannel("presence-lifecycle");
        var clientA = await ConnectedAsync(o => o with { ClientId = "lifecycle-client" }, binary);
        var clientB = await ConnectedAsync(binary: binary);
        var channelA = clientA.Channels.Get(channelName);
        var channelB = clientB.Channels.Get(channelName);
        await channelB.AttachAsync().WaitAsync(Wait);
        var allEvents = new Collector<PresenceMessage>();
        using var subscription = channelB.Presence.Events.Subscribe(allEvents);
        await channelA.AttachAsync().WaitAsync(Wait);

        await channelA.Presence.EnterAsync("hello").WaitAsync(Wait);
        await allEvents.WaitForAsync(1, TimeSpan.FromSeconds(10) + Wait);
        var membersAfterEnter = await channelB.Presence.GetAsync().WaitAsync(Wait);
        Assert.That(membersAfterEnter, Has.Count.EqualTo(1));
        Assert.That(membersAfterEnter[0].ClientId, Is.EqualTo("lifecycle-client"));
        Assert.That(membersAfterEnter[0].Data, Is.EqualTo("hello"));

        await channelA.Presence.UpdateAsync("world").WaitAsync(Wait);
        await allEvents.WaitForAsync(2, TimeSpan.FromSeconds(10) + Wait);
        var membersAfterUpdate = await channelB.Presence.GetAsync().WaitAsync(Wait);
        Assert.That(membersAfterUpdate, Has.Count.EqualTo(1));
        Assert.That(membersAfterUpdate[0].Data, Is.EqualTo("world"));

        await channelA.Presence.LeaveAsync("goodbye").WaitAsync(Wait);
        await allEvents.WaitForAsync(3, TimeSpan.FromSeconds(10) + Wait);
        var membersAfterLeave = await channelB.Presence.GetAsync().WaitAsync(Wait);
        Assert.That(membersAfterLeave, Is.Empty);

        var events = allEvents.Items;
        Assert.That(events, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That((events[0].Action, events[0].ClientId, events[0].Data), Is.EqualTo((PresenceAction.Enter, "lifecycle-client", (object)"hello")));
        Assert.That((events[1].Action, events[1].ClientId, events[1].Data), Is.EqualTo((PresenceAction.Update, "lifecycle-client", (object)"world")));
        Assert.That((events[2].Action, events[2].ClientId, events[2].Data), Is.EqualTo((PresenceAction.Leave, "lifecycle-client", (object)"goodbye")));
    }
}
