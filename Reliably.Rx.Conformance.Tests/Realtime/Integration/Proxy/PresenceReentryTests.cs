using System.Reactive.Linq;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Proxy;

/// <summary>
/// uts/realtime/integration/proxy/presence_reentry.md (RTP17i, RTP17g): a non-resumed ATTACHED, injected or replacing
/// the re-attach's, makes the client re-enter its members; the emulator's frame log stands for the proxy's.
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/proxy/presence_reentry.md")]
public sealed class PresenceReentryTests : EmulatorSandbox
{
    private const int Presence = 14;
    private const string AwaitedReentry =
        "the proxy-log poll is one ping round trip after the channel's UPDATE: the re-entry is sent as the ATTACHED is handled, before the ping's HEARTBEAT, and the server answers frames in order";

    // UTS: realtime/proxy/RTP17i/reenter-on-non-resumed-0
    [Test]
    [Adapted(AwaitedReentry)]
    public async Task RTP17i_RTP17g_AutomaticPresenceReenterOnNonResumedReattach()
    {
        var channelName = UniqueChannel("test-rtp17i");
        var client = Realtime(TokenOptions(o => o with { AuthCallback = Jwt.Callback(ApiKey, "client-a") }));
        var channel = client.Channels.Get(channelName);
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await channel.AttachAsync().WaitAsync(Wait);
        await channel.Presence.EnterAsync("hello").WaitAsync(Wait);
        var id = IdOf(client);
        var presenceFramesBefore = FramesOf(id, EmulatorFrameDirection.Inbound, Presence).Count;
        var updates = new Collector<ChannelStateChange>();
        using var subscription = channel.StateChanges.Skip(1).Where(c => c.Event == ChannelEvent.Update).Subscribe(updates);

        Emulator.Faults.SendFrame(id, $$$"""{"action":11,"channel":"{{{channelName}}}","flags":0,"error":{"code":91001,"statusCode":500,"message":"Continuity lost"}}""");
        await updates.WaitForAsync(1, TimeSpan.FromSeconds(10) + Wait);
        await FlushAsync(client);

        var allPresenceFrames = FramesOf(id, EmulatorFrameDirection.Inbound, Presence);
        Assert.That(allPresenceFrames, Has.Count.GreaterThan(presenceFramesBefore));
        AssertReentered(allPresenceFrames[^1]);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/proxy/RTP17i/reenter-after-disconnect-1
    [Test]
    [Adapted(AwaitedReentry + "; the proxy's close 3 s after ws_connect is the emulator's clean close once the member has entered")]
    public async Task RTP17i_RTP17g_PresenceReenterAfterRealDisconnect()
    {
        var channelName = UniqueChannel("test-rtp17i-real");
        var mark = AttemptMark();
        var clientA = Realtime(TokenOptions(o => o with { AuthCallback = Jwt.Callback(ApiKey, "client-a") }));
        var channelA = clientA.Channels.Get(channelName);
        clientA.Connection.Connect();
        await AwaitStateAsync(clientA.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await channelA.AttachAsync().WaitAsync(Wait);
        await channelA.Presence.EnterAsync("hello").WaitAsync(Wait);
        var id = IdOf(clientA);
        using var connectionStates = RecordLaterStates(clientA.Connection);
        var updates = new Collector<ChannelStateChange>();
        using var subscription = channelA.StateChanges.Skip(1).Where(c => c.Event is ChannelEvent.Update or ChannelEvent.Attached).Subscribe(updates);

        // The channel's next ATTACHED (the re-attach on the resumed connection) arrives without RESUMED.
        Emulator.Faults.ReplaceFrames(11, $$$"""{"action":11,"channel":"{{{channelName}}}","flags":0,"error":{"code":91001,"statusCode":500,"message":"Continuity lost"}}""", count: 1, channel: channelName);
        Emulator.Faults.CloseConnection(id);
        await connectionStates.WaitForAsync(ConnectionState.Disconnected, TimeSpan.FromSeconds(10) + Wait);
        await connectionStates.WaitForAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await AwaitStateAsync(channelA, ChannelState.Attached, TimeSpan.FromSeconds(15) + Wait);
        await updates.WaitForAsync(1, TimeSpan.FromSeconds(10) + Wait);
        await FlushAsync(clientA);

        var wsConnects = AttemptsSince(mark);
        Assert.That(wsConnects, Has.Count.GreaterThanOrEqualTo(2));
        var secondConnectTime = wsConnects[1].Timestamp;
        var reenterFrames = Emulator.GetFrames(IdOf(clientA))
            .Where(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == Presence && f.Timestamp > secondConnectTime)
            .Select(f => JObject.Parse(f.Json))
            .ToList();
        Assert.That(reenterFrames, Has.Count.GreaterThanOrEqualTo(1));
        AssertReentered(reenterFrames[0]);
        Assert.That(channelA.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(clientA.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    /// <summary>RTP17g: the re-entry is an ENTER with the member's stored clientId and data.</summary>
    private static void AssertReentered(JObject reenterFrame)
    {
        var presence = reenterFrame["presence"] as JArray;
        Assert.That(presence, Is.Not.Null);
        Assert.That(presence!, Has.Count.GreaterThanOrEqualTo(1));
        var reenterMsg = presence![0];
        Assert.That(reenterMsg.Value<string>("clientId"), Is.EqualTo("client-a"));
        Assert.That(reenterMsg.Value<string>("data"), Is.EqualTo("hello"));
        Assert.That(reenterMsg.Value<int>("action"), Is.EqualTo(2), "ENTER");
    }
}
