using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>Updates, deletes and appends over realtime (RTL32): ACK res serials, fan-out in both formats, rewind.</summary>
public sealed class MessageChangesTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task RTL32_ChangesAreAckedWithTheVersionSerial_AndDeliveredWithActionSerialAndVersion(bool msgpack)
    {
        var channel = Unique("mutable:rt");
        var (publisher, _) = await ConnectedAsync(msgpack, "&clientId=writer");
        var (subscriber, _) = await ConnectedAsync(!msgpack);
        await using var _p = publisher;
        await using var _s = subscriber;
        await subscriber.SendAsync(Frames.AttachFrame(channel));
        await subscriber.ReceiveActionAsync(Frames.Attached, channel);

        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("answer", "Hel")));
        var serial = (await publisher.ReceiveActionAsync(Frames.Ack))["res"]![0]!["serials"]![0]!.Value<string>()!;
        await subscriber.ReceiveActionAsync(Frames.Message, channel);

        var operation = new JObject { ["description"] = "more", ["metadata"] = new JObject { ["k"] = "v" } };
        var changes = new[]
        {
            new JObject { ["action"] = 5, ["serial"] = serial, ["data"] = "lo", ["version"] = operation },
            new JObject { ["action"] = 1, ["serial"] = serial, ["data"] = "Hello!", ["name"] = "final" },
            new JObject { ["action"] = 2, ["serial"] = serial, ["version"] = new JObject { ["clientId"] = "moderator" } },
        };
        for (var i = 0; i < changes.Length; i++)
        {
            var frame = Frames.Publish(channel, i + 1, changes[i]);
            frame["params"] = new JObject { ["custom"] = "1" };
            await publisher.SendAsync(frame);
            var ack = await publisher.ReceiveActionAsync(Frames.Ack);
            var versionSerial = ack["res"]![0]!["serials"]![0]!.Value<string>();
            var delivered = (await subscriber.ReceiveActionAsync(Frames.Message, channel))["messages"]![0]!;
            Assert.Multiple(() =>
            {
                Assert.That(delivered.Value<int>("action"), Is.EqualTo(changes[i].Value<int>("action")));
                Assert.That(delivered.Value<string>("serial"), Is.EqualTo(serial));
                Assert.That(delivered["version"]!.Value<string>("serial"), Is.EqualTo(versionSerial));
                Assert.That(delivered.Value<string>("clientId"), Is.EqualTo("writer"), "the author stays the author");
            });
            if (i == 0)
            {
                Assert.That(delivered.Value<string>("data"), Is.EqualTo("lo"), "an append delivers its fragment");
                Assert.That(delivered.Value<string>("name"), Is.EqualTo("answer"));
                Assert.That(delivered["version"]!.Value<string>("description"), Is.EqualTo("more"));
                Assert.That(delivered["version"]!["metadata"]!.Value<string>("k"), Is.EqualTo("v"));
            }
            else if (i == 1)
            {
                Assert.That(delivered.Value<string>("data"), Is.EqualTo("Hello!"));
                Assert.That(delivered.Value<string>("name"), Is.EqualTo("final"));
            }
            else
            {
                Assert.That(delivered.Value<string>("data"), Is.EqualTo("Hello!"));
                Assert.That(delivered["version"]!.Value<string>("clientId"), Is.EqualTo("moderator"));
            }
        }
    }

    [Test]
    public async Task RTL32_ARefusedChangeIsNacked()
    {
        var channel = Unique("plain");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("m", "x")));
        var serial = (await client.ReceiveActionAsync(Frames.Ack))["res"]![0]!["serials"]![0]!.Value<string>()!;
        await client.SendAsync(Frames.Publish(channel, 1, new JObject { ["action"] = 1, ["serial"] = serial, ["data"] = "y" }));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(93002));
        await client.SendAsync(Frames.Publish("mutable:" + channel, 2, new JObject { ["action"] = 1, ["data"] = "y" }));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40003), "no serial");
    }

    [Test]
    public async Task Rewind_AfterAppends_ReplaysTheWholeMessageOnceAsAnUpdate()
    {
        var channel = Unique("mutable:rewind");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("first", "one")));
        await client.ReceiveActionAsync(Frames.Ack);
        await client.SendAsync(Frames.Publish(channel, 1, Frames.Msg("streamed", "Hello")));
        var serial = (await client.ReceiveActionAsync(Frames.Ack))["res"]![0]!["serials"]![0]!.Value<string>()!;
        await client.SendAsync(Frames.Publish(channel, 2, new JObject { ["action"] = 5, ["serial"] = serial, ["data"] = " World" }));
        await client.ReceiveActionAsync(Frames.Ack);

        await client.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["rewind"] = "2" }));
        await client.ReceiveActionAsync(Frames.Attached, channel);
        var first = (await client.ReceiveActionAsync(Frames.Message, channel))["messages"]![0]!;
        var second = (await client.ReceiveActionAsync(Frames.Message, channel))["messages"]![0]!;
        Assert.That(first.Value<string>("data"), Is.EqualTo("one"));
        Assert.That(second.Value<string>("data"), Is.EqualTo("Hello World"));
        Assert.That(second.Value<int>("action"), Is.EqualTo(1));
        Assert.That(second.Value<string>("serial"), Is.EqualTo(serial));
    }
}
