using System.Diagnostics;
using System.Net;
using Newtonsoft.Json.Linq;
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

    [TestCase(false)]
    [TestCase(true)]
    public async Task RSL2_a_history_page_link_issued_before_a_restart_is_refused_after_it_never_served_as_a_continuation(bool channelUsedAgain)
    {
        // A backwards read that crosses a restart: its next page would otherwise be the restarted channel's history (empty,
        // or the messages published since), which a reader takes for the older end of the history it was reading.
        var channel = Unique("restart-cursor");
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var batch = new JArray(Enumerable.Range(0, 5).Select(i => new JObject { ["name"] = "m" + i }));
        await http.PostAsync($"/channels/{channel}/messages", Http.Json(batch));
        var first = await http.SendAsync(Http.Get($"/channels/{channel}/messages?limit=2"));
        Assert.That(((JArray)await Http.ReadAsync(first)).Select(m => m.Value<string>("name")), Is.EqualTo(new[] { "m4", "m3" }));
        var next = Http.NextPath(first, $"/channels/{channel}/");
        Assert.That(next, Is.Not.Null);
        var before = await http.SendAsync(Http.Get(next!));
        Assert.That(((JArray)await Http.ReadAsync(before)).Select(m => m.Value<string>("name")), Is.EqualTo(new[] { "m2", "m1" }), "the link continues the read before the restart");

        Emulator.Faults.Restart();
        if (channelUsedAgain)
        {
            await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JArray(Enumerable.Range(0, 5).Select(i => new JObject { ["name"] = "new" + i }))));
        }

        var after = await http.SendAsync(Http.Get(next!));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Http.ReadAsync(after))["error"]!.Value<int>("code"), Is.EqualTo(40011), "pagination sequence no longer valid");
        var fresh = (JArray)await Http.ReadAsync(await http.SendAsync(Http.Get($"/channels/{channel}/messages?limit=2")));
        Assert.That(fresh.Select(m => m.Value<string>("name")), Is.EqualTo(channelUsedAgain ? new[] { "new4", "new3" } : Array.Empty<string>()), "a new read sees the restarted channel");
    }

    [Test]
    public async Task RTL10b_an_attach_point_from_before_a_restart_is_refused_after_it_whether_or_not_the_channel_was_used_again()
    {
        var channel = Unique("restart-until");
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "before" }));
        var (client, _) = await ConnectedAsync();
        await client.SendAsync(Frames.AttachFrame(channel));
        var serial = Uri.EscapeDataString((await client.ReceiveActionAsync(Frames.Attached, channel)).Value<string>("channelSerial")!);
        await client.DisposeAsync();

        Emulator.Faults.Restart();
        foreach (var usedAgain in new[] { false, true })
        {
            if (usedAgain)
            {
                await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "after" }));
            }

            // Read back from an attach point the restarted server never gave: not an empty history (the reader would take
            // it for the start of the channel), but the error for a serial that is not this channel's.
            var response = await http.SendAsync(Http.Get($"/channels/{channel}/messages?fromSerial={serial}"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"used again: {usedAgain}");
            Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40003), $"used again: {usedAgain}");
        }
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
