using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>
/// Protocol HEARTBEATs (heartbeats=true) and the "go silent" fault. The heartbeat timer runs on the injected clock, so a
/// HEARTBEAT is sent exactly when the test advances it, and never in flight when the test does not expect one.
/// </summary>
public sealed class HeartbeatTests : EmulatorTestBase
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected override EmulatorOptions Options => new() { HeartbeatInterval = TimeSpan.FromMilliseconds(100), TimeProvider = _time };

    [Test]
    public async Task HeartbeatsTrue_GetsHeartbeatFrames()
    {
        var (client, _) = await ConnectedAsync(extra: "&heartbeats=true");
        await using var _c = client;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var heartbeat = await client.ReceiveUntilAsync(f => f.Is(Frames.Heartbeat) && f["id"] is null);
        Assert.That(heartbeat.Value<int>("action"), Is.EqualTo(Frames.Heartbeat));
    }

    [Test]
    public async Task Silence_StopsAllFrames_UntilRestored()
    {
        var (client, connected) = await ConnectedAsync(extra: "&heartbeats=true");
        await using var _c = client;
        var id = connected.Value<string>("connectionId")!;

        // The reply to this ping is the last frame the server sends before the fault: the clock has not moved, so no
        // HEARTBEAT is due, and nothing sent before the fault can arrive during the silence below.
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "before" });
        await client.ReceiveUntilAsync(f => f.Value<string>("id") == "before");
        client.Drain();

        Assert.That(Emulator.Faults.SetSilent(id), Is.True);
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "while-silent" });
        _time.Advance(TimeSpan.FromSeconds(1));

        // Neither the ping's reply nor the ten HEARTBEATs due in that second arrive.
        Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveUntilAsync(_ => true, TimeSpan.FromSeconds(1)));

        Emulator.Faults.SetSilent(id, false);
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "after" });
        await client.ReceiveUntilAsync(f => f.Value<string>("id") == "after");
    }
}
