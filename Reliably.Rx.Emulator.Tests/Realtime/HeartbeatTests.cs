using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class HeartbeatTests : EmulatorTestBase
{
    protected override EmulatorOptions Options => new() { HeartbeatInterval = TimeSpan.FromMilliseconds(100) };

    [Test]
    public async Task HeartbeatsTrue_GetsHeartbeatFrames()
    {
        var (client, _) = await ConnectedAsync(extra: "&heartbeats=true");
        await using var _c = client;
        var heartbeat = await client.ReceiveUntilAsync(f => f.Is(Frames.Heartbeat) && f["id"] is null, TimeSpan.FromSeconds(5));
        Assert.That(heartbeat.Value<int>("action"), Is.EqualTo(Frames.Heartbeat));
    }

    [Test]
    public async Task Silence_StopsAllFrames_UntilRestored()
    {
        var (client, connected) = await ConnectedAsync(extra: "&heartbeats=true");
        await using var _c = client;
        var id = connected.Value<string>("connectionId")!;
        Assert.That(Emulator.Faults.SetSilent(id), Is.True);
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "while-silent" });

        // No ping reply within a second, and no HEARTBEATs either although the interval is 100 ms
        // (one may have been in flight when the fault was armed).
        Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveUntilAsync(f => f.Value<string>("id") == "while-silent", TimeSpan.FromSeconds(1)));
        client.Drain();
        Assert.That(client.Pending(), Is.Empty);
        Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveUntilAsync(_ => true, TimeSpan.FromMilliseconds(500)));

        Emulator.Faults.SetSilent(id, false);
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "after" });
        await client.ReceiveUntilAsync(f => f.Value<string>("id") == "after");
    }
}
