using System.Diagnostics;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>
/// A guard against fan-out regressions (lock convoys, per-subscriber serialization): every message reaches every
/// subscriber once, each within the receive timeout. The rate is printed, not asserted: performance is shown by the
/// benchmarks, and a wall-clock bound here fails on a loaded machine without a bug.
/// </summary>
public sealed class FanOutTests : EmulatorTestBase
{
    [Test]
    public async Task OnePublisherTwentySubscribers_DeliversEverythingOnce()
    {
        const int subscribers = 20;
        const int messages = 1000;
        var channel = Unique("fan");
        var clients = new List<WsClient>();
        for (var i = 0; i < subscribers; i++)
        {
            var (c, _) = await ConnectedAsync(msgpack: i % 2 == 0);
            await c.SendAsync(Frames.AttachFrame(channel));
            await c.ReceiveActionAsync(Frames.Attached, channel);
            clients.Add(c);
        }

        var (publisher, _) = await ConnectedAsync(msgpack: true);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            await publisher.SendAsync(Frames.Publish(channel, i, Frames.Msg("m" + i, new string('x', 100))));
        }

        await Task.WhenAll(clients.Select(async c =>
        {
            var last = await c.ReceiveUntilAsync(f => f.Is(Frames.Message, channel) && f["messages"]![0]!.Value<string>("name") == "m" + (messages - 1), TimeSpan.FromSeconds(30));
            Assert.That(last, Is.Not.Null);
        }));
        stopwatch.Stop();
        var rate = subscribers * messages / stopwatch.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"{subscribers * messages} deliveries in {stopwatch.ElapsedMilliseconds} ms ({rate:F0}/s)");
        foreach (var c in clients)
        {
            Assert.That(c.Pending().Count(f => f.Is(Frames.Message, channel)), Is.EqualTo(messages - 1), "every message delivered exactly once");
            await c.DisposeAsync();
        }

        await publisher.DisposeAsync();
    }
}
