using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>Channel name validation (40010) and derived channels (RTS5).</summary>
public sealed class ChannelNameTests : EmulatorTestBase
{
    [TestCase("")]
    [TestCase(":hell")]
    [TestCase("[invalid")]
    [TestCase("[]name")]
    [TestCase("[unknown]name")]
    [TestCase("[?rewind=1]")]
    [TestCase("[?rewind=1]:x")]
    [TestCase("line\nbreak")]
    public async Task RTL4d_InvalidName_FailsTheChannelWith40010_ConnectionStays(string name)
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.AttachFrame(name));
        var error = await client.ReceiveActionAsync(Frames.Error, name);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40010));
        Assert.That(error["error"]!.Value<int>("statusCode"), Is.EqualTo(400));

        // A second attempt fails the same way, and the connection still works.
        await client.SendAsync(Frames.AttachFrame(name));
        await client.ReceiveActionAsync(Frames.Error, name);
        var valid = Unique("valid");
        await client.SendAsync(Frames.AttachFrame(valid));
        await client.ReceiveActionAsync(Frames.Attached, valid);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RTL6b_PublishAndPresenceOnAnInvalidName_AreNacked40010(bool msgpack)
    {
        var (client, _) = await ConnectedAsync(msgpack, "&clientId=me");
        await using var _c = client;
        await client.SendAsync(Frames.Publish(":hell", 0, Frames.Msg("x")));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(40010));

        await client.SendAsync(Frames.PresenceFrame("", 1, new JObject { ["action"] = 2 }));
        nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(40010));
    }

    [Test]
    public async Task RTS5a1_DerivedChannel_DeliversOnlyMessagesMatchingTheFilter()
    {
        var channel = Unique("derived");
        var filter = "name == `\"filtered\"` && headers.number == `26095`";
        var derived = "[filter=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(filter)) + "]" + channel;
        var (subscriber, _) = await ConnectedAsync();
        var (publisher, _) = await ConnectedAsync(msgpack: true);
        await using var _s = subscriber;
        await using var _p = publisher;
        await subscriber.SendAsync(Frames.AttachFrame(derived));
        await subscriber.ReceiveActionAsync(Frames.Attached, derived);

        static JObject WithHeaders(string name, JObject? headers) =>
            headers is null ? Frames.Msg(name) : new JObject { ["name"] = name, ["data"] = "d", ["extras"] = new JObject { ["headers"] = headers } };

        var messages = new[]
        {
            WithHeaders("filtered", new JObject { ["number"] = 26095, ["id"] = "a" }),
            WithHeaders("filtered", null),
            WithHeaders("filtered", new JObject { ["number"] = 12345 }),
            WithHeaders("other", new JObject { ["number"] = 26095 }),
            WithHeaders("filtered", new JObject { ["number"] = 26095, ["id"] = "b" }),
        };
        for (var i = 0; i < messages.Length; i++)
        {
            await publisher.SendAsync(Frames.Publish(channel, i, messages[i]));
            await publisher.ReceiveActionAsync(Frames.Ack);
        }

        var first = await subscriber.ReceiveActionAsync(Frames.Message, derived);
        var second = await subscriber.ReceiveActionAsync(Frames.Message, derived);
        Assert.That(new[] { first, second }.Select(f => f["messages"]![0]!["extras"]!["headers"]!.Value<string>("id")), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(subscriber.Pending().Any(f => f.Is(Frames.Message)), Is.False);
    }

    [Test]
    public async Task RTS5_UnparseableFilter_FailsTheAttachWith40010()
    {
        var derived = "[filter=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("name == ")) + "]" + Unique("bad");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.AttachFrame(derived));
        var error = await client.ReceiveActionAsync(Frames.Error, derived);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40010));
    }
}
