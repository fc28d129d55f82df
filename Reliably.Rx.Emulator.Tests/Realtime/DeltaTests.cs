using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>delta=vcdiff (RTL18–RTL20): deltas checked with a decoder written from RFC 3284, not the emulator's encoder.</summary>
public sealed class DeltaTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task RTL19_RTL20_EachPayloadAfterTheFirstIsAVcdiffDeltaAgainstThePreviousOne(bool msgpack)
    {
        var channel = Unique("delta");
        var (subscriber, _) = await ConnectedAsync(msgpack);
        var (publisher, _) = await ConnectedAsync(!msgpack);
        await using var _s = subscriber;
        await using var _p = publisher;
        await subscriber.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["delta"] = "vcdiff" }));
        await subscriber.ReceiveActionAsync(Frames.Attached, channel);

        var sent = new JObject[]
        {
            new() { ["name"] = "0", ["data"] = "{\"foo\":\"bar\",\"count\":1,\"status\":\"active\"}", ["encoding"] = "json" },
            new() { ["name"] = "1", ["data"] = "{\"foo\":\"bar\",\"count\":2,\"status\":\"active\"}", ["encoding"] = "json" },
            new() { ["name"] = "2", ["data"] = "plain text" },
            new() { ["name"] = "3", ["data"] = Convert.ToBase64String([1, 2, 3, 4, 5, 6, 7, 8, 9]), ["encoding"] = "base64" },
            new() { ["name"] = "4", ["data"] = Convert.ToBase64String([1, 2, 3, 4, 0, 6, 7, 8, 9]), ["encoding"] = "base64" },
        };
        for (var i = 0; i < sent.Length; i++)
        {
            await publisher.SendAsync(Frames.Publish(channel, i, sent[i]));
            await publisher.ReceiveActionAsync(Frames.Ack);
        }

        byte[]? previousPayload = null;
        string? previousId = null;
        string? lastSerial = null;
        for (var i = 0; i < sent.Length; i++)
        {
            var frame = await subscriber.ReceiveActionAsync(Frames.Message, channel);
            var message = (JObject)frame["messages"]![0]!;
            lastSerial = frame.Value<string>("channelSerial");
            var (data, steps) = Unwrap(message, msgpack, binary: i > 0 || sent[i].Value<string>("encoding") == "base64");
            var expected = ExpectedPayload(sent[i]);
            if (i == 0)
            {
                Assert.That(steps.Contains("vcdiff"), Is.False, "the first message after attach is whole");
                Assert.That(data, Is.EqualTo(expected));
            }
            else
            {
                Assert.That(steps[^1], Is.EqualTo("vcdiff"), "encoding " + message.Value<string>("encoding"));
                Assert.That(message["extras"]!["delta"]!.Value<string>("from"), Is.EqualTo(previousId));
                Assert.That(message["extras"]!["delta"]!.Value<string>("format"), Is.EqualTo("vcdiff"));
                Assert.That(VcdiffDecoder.Decode(data, previousPayload!), Is.EqualTo(expected), "message " + i);
                var original = sent[i].Value<string>("encoding");
                var isString = original != "base64";
                Assert.That(string.Join('/', steps.SkipLast(1)), Is.EqualTo(isString ? ((original is null ? string.Empty : original + "/") + "utf-8") : string.Empty));
            }

            previousPayload = expected;
            // TM2a: the message's id is derived from the frame's, as Ably leaves it out of the message.
            Assert.That(message["id"], Is.Null);
            previousId = frame.Value<string>("id") + ":0";
        }

        // RTL18: a re-attach from a channelSerial replays from a whole message, then deltas again.
        await publisher.SendAsync(Frames.Publish(channel, sent.Length, new JObject { ["name"] = "5", ["data"] = "more plain text" }));
        await publisher.ReceiveActionAsync(Frames.Ack);
        var live = await subscriber.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(Unwrap((JObject)live["messages"]![0]!, msgpack, binary: true).Steps[^1], Is.EqualTo("vcdiff"));
        await subscriber.SendAsync(Frames.AttachFrame(channel, lastSerial, new JObject { ["delta"] = "vcdiff" }));
        await subscriber.ReceiveActionAsync(Frames.Attached, channel);
        var replayed = await subscriber.ReceiveActionAsync(Frames.Message, channel);
        var (replayedData, replayedSteps) = Unwrap((JObject)replayed["messages"]![0]!, msgpack, binary: false);
        Assert.That(replayedSteps, Does.Not.Contain("vcdiff"));
        Assert.That(Encoding.UTF8.GetString(replayedData), Is.EqualTo("more plain text"));
    }

    [Test]
    public void VcdiffEncoder_RoundTripsThroughAnRfc3284Decoder()
    {
        var random = new Random(3284);
        var cases = new List<(byte[] Source, byte[] Target)>
        {
            ([], []),
            ([], [1, 2, 3]),
            ([1, 2, 3], []),
            ([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]),
            (Encoding.UTF8.GetBytes("aaaaaaaaaaaaaaaa"), Encoding.UTF8.GetBytes("aaaaaaaabaaaaaaaa")),
        };
        for (var i = 0; i < 200; i++)
        {
            var source = new byte[random.Next(0, 600)];
            random.NextBytes(source);
            var target = source.ToList();
            var edits = random.Next(0, 5);
            for (var e = 0; e < edits && target.Count > 0; e++)
            {
                var at = random.Next(target.Count);
                target.RemoveRange(at, Math.Min(random.Next(0, 20), target.Count - at));
                target.InsertRange(Math.Min(at, target.Count), Enumerable.Range(0, random.Next(0, 20)).Select(_ => (byte)random.Next(256)));
            }

            cases.Add((source, target.ToArray()));
        }

        foreach (var (source, target) in cases)
        {
            Assert.That(VcdiffDecoder.Decode(VcdiffEncoder.Encode(source, target), source), Is.EqualTo(target));
        }
    }

    private static byte[] ExpectedPayload(JObject sent) => sent.Value<string>("encoding") == "base64"
        ? Convert.FromBase64String(sent.Value<string>("data")!)
        : Encoding.UTF8.GetBytes(sent.Value<string>("data")!);

    /// <summary>
    /// The payload bytes and the remaining encoding steps. On JSON binary travels base64-encoded with a base64 step; the
    /// test client renders msgpack bin as a base64 string with no step, so the caller says whether to expect binary.
    /// </summary>
    private static (byte[] Data, string[] Steps) Unwrap(JObject message, bool msgpack, bool binary)
    {
        var steps = (message.Value<string?>("encoding") ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        var text = (string)message["data"]!;
        if (!msgpack && steps.Count > 0 && steps[^1] == "base64")
        {
            steps.RemoveAt(steps.Count - 1);
            return (Convert.FromBase64String(text!), [.. steps]);
        }

        return (msgpack && binary ? Convert.FromBase64String(text!) : Encoding.UTF8.GetBytes(text!), [.. steps]);
    }
}
