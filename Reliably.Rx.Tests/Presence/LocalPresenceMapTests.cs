using Reliably.Rx.Presence;

namespace Reliably.Rx.Tests.Presence;

/// <summary>The RTP17 map of this connection's own members: keyed by clientId, applied as the presence map applies events.</summary>
[TestFixture]
public sealed class LocalPresenceMapTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private static PresenceMessage Msg(PresenceAction action, string clientId, string connectionId, string id, object? data = null) =>
        new(action, clientId, data) { ConnectionId = connectionId, Id = id, Timestamp = T0 };

    [Test]
    public void AnEmptyMap_AnswersEverything_AndFillsAgainAfterClear_RTP5a()
    {
        var map = new LocalPresenceMap();
        Assert.That(map.Count, Is.Zero);
        Assert.That(map.Values, Is.Empty);
        Assert.That(map.Get("alice"), Is.Null);
        Assert.That(map.Remove(Msg(PresenceAction.Leave, "alice", "conn-1", "conn-1:1:0")), Is.False);

        map.Put(Msg(PresenceAction.Enter, "alice", "conn-1", "conn-1:1:0"));
        map.Clear();
        Assert.That(map.Count, Is.Zero);
        map.Put(Msg(PresenceAction.Enter, "bob", "conn-1", "conn-1:2:0"));
        Assert.That(map.Values.Select(m => (m.ClientId, m.Action)), Is.EqualTo(new[] { ("bob", PresenceAction.Present) }));
    }

    [Test]
    public void RTP17_RTP2a_AStaleEventOfTheSameConnection_DoesNotReplaceOrRemoveTheMember()
    {
        var map = new LocalPresenceMap();
        map.Put(Msg(PresenceAction.Update, "alice", "conn-1", "conn-1:5:0", "v5"));

        map.Put(Msg(PresenceAction.Update, "alice", "conn-1", "conn-1:4:0", "v4"));
        Assert.That(map.Get("alice")!.Data, Is.EqualTo("v5"), "an older update is discarded");

        Assert.That(map.Remove(Msg(PresenceAction.Leave, "alice", "conn-1", "conn-1:3:0")), Is.False, "an older leave is discarded");
        Assert.That(map.Get("alice"), Is.Not.Null);

        Assert.That(map.Remove(Msg(PresenceAction.Leave, "alice", "conn-1", "conn-1:6:0")), Is.True);
        Assert.That(map.Get("alice"), Is.Null);
    }

    [Test]
    public void RTP17h_AnEntryOfAnOlderConnection_IsReplacedWhateverItsId()
    {
        var map = new LocalPresenceMap();
        map.Put(Msg(PresenceAction.Enter, "alice", "conn-1", "conn-1:9:0", "old"));

        map.Put(Msg(PresenceAction.Enter, "alice", "conn-2", "conn-2:0:0", "new"));

        Assert.That(map.Values.Single().ConnectionId, Is.EqualTo("conn-2"));
        Assert.That(map.Values.Single().Data, Is.EqualTo("new"));
    }
}
