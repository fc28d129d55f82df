using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Presence;

/// <summary>uts/realtime/integration/presence/presence_sync_test.md (RTP2, RTP11a): members already present arrive by SYNC.</summary>
[TestFixture]
[Category("uts/realtime/integration/presence/presence_sync_test.md")]
public sealed class PresenceSyncTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTP2/sync-delivers-members-0
    [Test]
    public async Task RTP2_RTP11a_PresenceSyncDeliversExistingMembers()
    {
        var channelName = UniqueChannel("presence-sync");
        var clientA = await ConnectedAsync(o => o with { ClientId = "sync-member-a" });
        var channelA = clientA.Channels.Get(channelName);
        await channelA.AttachAsync().WaitAsync(Wait);
        await channelA.Presence.EnterAsync("sync-data").WaitAsync(Wait);

        var clientB = await ConnectedAsync();
        var channelB = clientB.Channels.Get(channelName);
        await channelB.AttachAsync().WaitAsync(Wait);
        var members = await channelB.Presence.GetAsync().WaitAsync(Wait);

        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("sync-member-a"));
        Assert.That(members[0].Data, Is.EqualTo("sync-data"));
        Assert.That(members[0].Action, Is.EqualTo(PresenceAction.Present));
    }

    // UTS: realtime/integration/RTP2/sync-multiple-members-1
    [Test]
    public async Task RTP2_PresenceSyncWithMultipleMembers()
    {
        const int memberCount = 10;
        var channelName = UniqueChannel("presence-sync-multi");
        var clientA = await ConnectedAsync();
        var channelA = clientA.Channels.Get(channelName);
        await channelA.AttachAsync().WaitAsync(Wait);
        for (var i = 0; i < memberCount; i++)
        {
            await channelA.Presence.EnterClientAsync("sync-user-" + i, "data-" + i).WaitAsync(Wait);
        }

        var clientB = await ConnectedAsync();
        var channelB = clientB.Channels.Get(channelName);
        await channelB.AttachAsync().WaitAsync(Wait);
        var members = await channelB.Presence.GetAsync().WaitAsync(Wait);

        Assert.That(members, Has.Count.EqualTo(memberCount));
        for (var i = 0; i < memberCount; i++)
        {
            var member = members.FirstOrDefault(m => m.ClientId == "sync-user-" + i);
            Assert.That(member, Is.Not.Null, "sync-user-" + i);
            Assert.That(member!.Data, Is.EqualTo("data-" + i));
        }
    }
}
