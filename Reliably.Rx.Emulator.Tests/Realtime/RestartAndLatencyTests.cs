using System.Diagnostics;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>The chaos faults that model a server restart (all state lost) and a latency spike (frames late, none lost).</summary>
[NonParallelizable]
public sealed class RestartAndLatencyTests : EmulatorTestBase
{
    [Test]
    public async Task Restart_drops_and_forgets_every_connection_and_channel_but_keeps_apps_and_keys()
    {
        var channel = Unique("restart");
        var (client, connected) = await ConnectedAsync();
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("before")));
        await client.ReceiveActionAsync(Frames.Ack);
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);

        Assert.That(Emulator.Faults.Restart(), Is.GreaterThanOrEqualTo(1));
        await client.WaitClosedAsync();
        await client.DisposeAsync();

        // The resume fails (RTN15c7: 80008, new connection id); the same key still authenticates.
        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        await using var resumed = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=" + Uri.EscapeDataString(key));
        var reconnected = await resumed.ReceiveActionAsync(Frames.Connected);
        Assert.That(reconnected["error"]?.Value<int>("code"), Is.EqualTo(80008));
        Assert.That(reconnected.Value<string>("connectionId"), Is.Not.EqualTo(connected.Value<string>("connectionId")));

        // The channel starts again: no RESUMED for the old serial, and its history is gone.
        await resumed.SendAsync(Frames.AttachFrame(channel, channelSerial: attached.Value<string>("channelSerial")));
        var reattached = await resumed.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(reattached.Value<int>("flags") & Frames.Resumed, Is.Zero);
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var history = await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/messages"));
        Assert.That(history, Is.Empty, "history was lost with the restart");
    }

    [Test]
    public async Task DelayFrames_delivers_every_frame_late_and_in_order()
    {
        var channel = Unique("latency");
        var (subscriber, connected) = await ConnectedAsync();
        var (publisher, _) = await ConnectedAsync();
        await using var _p = publisher;
        await using var _s = subscriber;
        await subscriber.SendAsync(Frames.AttachFrame(channel));
        await subscriber.ReceiveActionAsync(Frames.Attached, channel);

        var clock = Stopwatch.StartNew();
        Assert.That(Emulator.Faults.DelayFrames(connected.Value<string>("connectionId")!, TimeSpan.FromMilliseconds(600)), Is.True);
        for (var i = 0; i < 5; i++)
        {
            await publisher.SendAsync(Frames.Publish(channel, i, Frames.Msg("m" + i)));
        }

        for (var i = 0; i < 5; i++)
        {
            var m = await subscriber.ReceiveActionAsync(Frames.Message, channel);
            Assert.That(m["messages"]![0]!.Value<string>("name"), Is.EqualTo("m" + i));
        }

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500)), "held for the spike");
        Assert.That(Emulator.Faults.DelayFrames("no-such-connection", TimeSpan.FromSeconds(1)), Is.False);
    }
}
