using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class ConcurrencyTests : EmulatorTestBase
{
    [Test]
    public async Task ConcurrentPublishers_EverySubscriberSeesTheSameOrder_WithIncreasingSerials()
    {
        const int publishers = 4;
        const int perPublisher = 100;
        var channel = Unique("conc");
        var subscribers = new List<WsClient>();
        for (var i = 0; i < 3; i++)
        {
            var (s, _) = await ConnectedAsync(msgpack: i % 2 == 0);
            await s.SendAsync(Frames.AttachFrame(channel));
            await s.ReceiveActionAsync(Frames.Attached, channel);
            subscribers.Add(s);
        }

        var pubs = new List<WsClient>();
        for (var p = 0; p < publishers; p++)
        {
            pubs.Add((await ConnectedAsync(msgpack: p % 2 == 1)).Client);
        }

        await Task.WhenAll(pubs.Select(async (pub, p) =>
        {
            for (var i = 0; i < perPublisher; i++)
            {
                await pub.SendAsync(Frames.Publish(channel, i, Frames.Msg($"p{p}-{i}")));
            }

            await pub.ReceiveUntilAsync(f => f.Is(Frames.Ack) && f.Value<long>("msgSerial") == perPublisher - 1);
        }));

        List<string>? reference = null;
        foreach (var s in subscribers)
        {
            var names = new List<string>();
            string? lastSerial = null;
            for (var i = 0; i < publishers * perPublisher; i++)
            {
                var frame = await s.ReceiveActionAsync(Frames.Message, channel);
                var serial = frame.Value<string>("channelSerial")!;
                if (lastSerial is not null)
                {
                    Assert.That(string.CompareOrdinal(serial, lastSerial), Is.GreaterThan(0), "channelSerials strictly increase");
                }

                lastSerial = serial;
                names.Add(frame["messages"]![0]!.Value<string>("name")!);
            }

            // Per-publisher order is preserved and every subscriber sees one global order.
            for (var p = 0; p < publishers; p++)
            {
                var own = names.Where(n => n.StartsWith($"p{p}-", StringComparison.Ordinal)).ToList();
                Assert.That(own, Is.EqualTo(Enumerable.Range(0, perPublisher).Select(i => $"p{p}-{i}")));
            }

            reference ??= names;
            Assert.That(names, Is.EqualTo(reference));
        }

        foreach (var c in subscribers.Concat(pubs))
        {
            await c.DisposeAsync();
        }
    }
}
