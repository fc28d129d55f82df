using System.Buffers;
using MessagePack;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class ChannelTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task AttachPublishReceive_AckCarriesSerials(bool msgpack)
    {
        var channel = Unique("ch");
        var (publisher, pubConnected) = await ConnectedAsync(msgpack, "&clientId=pub");
        var (subscriber, _) = await ConnectedAsync(!msgpack);
        await using var _p = publisher;
        await using var _s = subscriber;

        await subscriber.SendAsync(Frames.AttachFrame(channel));
        var attached = await subscriber.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & 0xF0000, Is.EqualTo(0xF0000), "default modes");
        Assert.That(attached.Value<string>("channelSerial"), Is.Not.Empty);

        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("greeting", "hello"), Frames.Msg("second", "x")));
        var ack = await publisher.ReceiveActionAsync(Frames.Ack);
        Assert.That(ack.Value<long>("msgSerial"), Is.EqualTo(0));
        Assert.That(ack.Value<int>("count"), Is.EqualTo(1));
        var serials = ack["res"]![0]!["serials"]!.Values<string>().ToList();
        Assert.That(serials, Has.Count.EqualTo(2));

        var message = await subscriber.ReceiveActionAsync(Frames.Message, channel);
        var pubId = pubConnected.Value<string>("connectionId");
        Assert.Multiple(() =>
        {
            Assert.That(message.Value<string>("channelSerial"), Is.Not.Empty);
            Assert.That(message.Value<string>("connectionId"), Is.EqualTo(pubId));
            Assert.That(message.Value<string>("id"), Is.EqualTo(pubId + ":0"));
            Assert.That(message["timestamp"], Is.Not.Null);
            var first = message["messages"]![0]!;
            Assert.That(first.Value<string>("name"), Is.EqualTo("greeting"));
            Assert.That(first.Value<string>("data"), Is.EqualTo("hello"));
            Assert.That(first.Value<string>("clientId"), Is.EqualTo("pub"));
            Assert.That(first.Value<string>("serial"), Is.EqualTo(serials[0]));

            // As Ably sends them: what the client derives from the frame (TM2a id = frame id:index, TM2c, TM2f) is
            // left out of each message.
            foreach (var field in new[] { "id", "connectionId", "timestamp" })
            {
                Assert.That(message["messages"]!.Select(m => m[field]), Is.All.Null, field);
            }
        });

        // Echo is on by default: the publisher is not attached, so it gets nothing; once attached it does.
        await publisher.SendAsync(Frames.AttachFrame(channel));
        await publisher.ReceiveActionAsync(Frames.Attached, channel);
        await publisher.SendAsync(Frames.Publish(channel, 1, Frames.Msg("echo")));
        await publisher.ReceiveUntilAsync(f => f.Is(Frames.Message, channel) && f["messages"]![0]!.Value<string>("name") == "echo");
    }

    [Test]
    public async Task EchoFalse_SuppressesOwnMessagesOnly()
    {
        var channel = Unique("echo");
        var (quiet, _) = await ConnectedAsync(extra: "&echo=false");
        var (other, _) = await ConnectedAsync();
        await using var _q = quiet;
        await using var _o = other;
        foreach (var c in new[] { quiet, other })
        {
            await c.SendAsync(Frames.AttachFrame(channel));
            await c.ReceiveActionAsync(Frames.Attached, channel);
        }

        await quiet.SendAsync(Frames.Publish(channel, 0, Frames.Msg("mine")));
        await quiet.ReceiveActionAsync(Frames.Ack);
        await other.ReceiveActionAsync(Frames.Message, channel);
        await other.SendAsync(Frames.Publish(channel, 0, Frames.Msg("theirs")));
        var received = await quiet.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(received["messages"]![0]!.Value<string>("name"), Is.EqualTo("theirs"), "own message must not be echoed");
    }

    [Test]
    public async Task PublishWithoutAttach_IsAcked()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(Unique("noattach"), 0, Frames.Msg("x")));
        var ack = await client.ReceiveActionAsync(Frames.Ack);
        Assert.That(ack["res"]![0]!["serials"]!.Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task InjectedNack_RejectsNextPublishOnly()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        var channel = Unique("nack");
        Emulator.Faults.NackNextPublishes(1, new EmulatorError(50001, 500, "boom"));
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("a")));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack.Value<long>("msgSerial"), Is.EqualTo(0));
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(50001));
        await client.SendAsync(Frames.Publish(channel, 1, Frames.Msg("b")));
        var ack = await client.ReceiveActionAsync(Frames.Ack);
        Assert.That(ack.Value<long>("msgSerial"), Is.EqualTo(1));
    }

    [Test]
    public async Task ForceNackParam_Nacked40099()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        var publish = Frames.Publish(Unique("force"), 0, Frames.Msg("a"));
        publish["params"] = new JObject { ["_forceNack"] = "true" };
        await client.SendAsync(publish);
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40099));
    }

    [Test]
    public async Task OversizeMessage_Nacked40009()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(Unique("big"), 0, Frames.Msg("big", new string('x', 70_000))));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(40009));
    }

    [Test]
    public async Task Capability_DeniesPublishAndAttach()
    {
        var app = Emulator.CreateApp("{\"sub:*\":[\"subscribe\"]}");
        var (client, _) = await ConnectedAsync(key: app.DefaultKey);
        await using var _c = client;
        await client.SendAsync(Frames.Publish("sub:x", 0, Frames.Msg("a")));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(40160));

        await client.SendAsync(Frames.AttachFrame("other"));
        var error = await client.ReceiveActionAsync(Frames.Error, "other");
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40160));

        await client.SendAsync(Frames.AttachFrame("sub:x"));
        var attached = await client.ReceiveActionAsync(Frames.Attached, "sub:x");
        Assert.That(attached.Value<int>("flags") & (1 << 17), Is.Zero, "PUBLISH mode must not be granted");
        Assert.That(attached.Value<int>("flags") & (1 << 18), Is.Not.Zero);
    }

    [Test]
    public async Task RequestedModes_AreIntersectedAndParamsEchoed()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        var channel = Unique("modes");
        await client.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["delta"] = "vcdiff" }, flags: 1 << 18));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & 0xFF0000, Is.EqualTo(1 << 18));
        Assert.That(attached["params"]!.Value<string>("delta"), Is.EqualTo("vcdiff"));

        await client.SendAsync(new JObject { ["action"] = Frames.Detach, ["channel"] = channel });
        await client.ReceiveActionAsync(Frames.Detached, channel);
    }

    [Test]
    public async Task BinaryData_Base64FromJson_IsBinOnMsgpackAndBase64OnJson()
    {
        var channel = Unique("bin");
        var (jsonPub, _) = await ConnectedAsync(false);
        var (packSub, _) = await ConnectedAsync(true);
        var (jsonSub, _) = await ConnectedAsync(false);
        await using var _a = jsonPub;
        await using var _b = packSub;
        await using var _c = jsonSub;
        foreach (var c in new[] { packSub, jsonSub })
        {
            await c.SendAsync(Frames.AttachFrame(channel));
            await c.ReceiveActionAsync(Frames.Attached, channel);
        }

        var m = Frames.Msg("b", "AQID");
        m["encoding"] = "cipher+aes-128-cbc/base64";
        var empty = Frames.Msg("e", "");
        empty["encoding"] = "base64";
        await jsonPub.SendAsync(Frames.Publish(channel, 0, m, empty));

        var viaJson = await jsonSub.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(viaJson["messages"]![0]!.Value<string>("data"), Is.EqualTo("AQID"));
        Assert.That(viaJson["messages"]![0]!.Value<string>("encoding"), Is.EqualTo("cipher+aes-128-cbc/base64"));
        Assert.That(viaJson["messages"]![1]!.Value<string>("encoding"), Is.EqualTo("base64"));

        await packSub.ReceiveActionAsync(Frames.Message, channel);
        var raw = packSub.RawFrames().Last();
        var (data, encoding, emptyData) = ReadFirstMessage(raw);
        Assert.That(data, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(encoding, Is.EqualTo("cipher+aes-128-cbc"), "base64 step stripped for msgpack");
        Assert.That(emptyData, Is.Empty.And.Not.Null, "empty binary must be bin, never nil");
    }

    [Test]
    public async Task IdempotentIds_AreDeliveredOnce()
    {
        var channel = Unique("idem");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.AttachFrame(channel));
        await client.ReceiveActionAsync(Frames.Attached, channel);
        var m = Frames.Msg("once");
        m["id"] = "fixed-id:0";
        await client.SendAsync(Frames.Publish(channel, 0, m));
        var ack1 = await client.ReceiveActionAsync(Frames.Ack);
        await client.SendAsync(Frames.Publish(channel, 1, (JObject)m.DeepClone()));
        var ack2 = await client.ReceiveActionAsync(Frames.Ack);
        Assert.That(ack2["res"]![0]!["serials"]![0]!.Value<string>(), Is.EqualTo(ack1["res"]![0]!["serials"]![0]!.Value<string>()));
        await client.SendAsync(Frames.Publish(channel, 2, Frames.Msg("after")));
        await client.ReceiveActionAsync(Frames.Ack);
        var first = await client.ReceiveActionAsync(Frames.Message, channel);
        var second = await client.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(first["messages"]![0]!.Value<string>("name"), Is.EqualTo("once"));
        Assert.That(second["messages"]![0]!.Value<string>("name"), Is.EqualTo("after"), "the duplicate must not be delivered");
    }

    [Test]
    public async Task Rewind_ReplaysLastMessagesOnAttach()
    {
        var channel = Unique("rewind");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(Frames.Publish(channel, i, Frames.Msg("m" + i)));
            await client.ReceiveActionAsync(Frames.Ack);
        }

        var (late, _) = await ConnectedAsync();
        await using var _l = late;
        await late.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["rewind"] = "2" }));
        var attached = await late.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & Frames.HasBacklog, Is.Not.Zero);
        var a = await late.ReceiveActionAsync(Frames.Message, channel);
        var b = await late.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(new[] { a, b }.Select(f => f["messages"]![0]!.Value<string>("name")), Is.EqualTo(new[] { "m3", "m4" }));
    }

    [Test]
    public async Task ServerDetachAndChannelErrorFaults()
    {
        var channel = Unique("fault");
        var (client, connected) = await ConnectedAsync();
        await using var _c = client;
        var id = connected.Value<string>("connectionId")!;
        await client.SendAsync(Frames.AttachFrame(channel));
        var firstAttach = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(Emulator.GetConnections().Single(c => c.ConnectionId == id).Channels, Does.Contain(channel));

        Assert.That(Emulator.Faults.DetachChannel(id, channel, new EmulatorError(90198, 500, "detached")), Is.True);
        var detached = await client.ReceiveActionAsync(Frames.Detached, channel);
        Assert.That(detached["error"]!.Value<int>("code"), Is.EqualTo(90198));

        // RTL13: the client re-attaches with its channelSerial; continuity is kept.
        await client.SendAsync(Frames.AttachFrame(channel, channelSerial: firstAttach.Value<string>("channelSerial")));
        var reattached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(reattached.Value<int>("flags") & Frames.Resumed, Is.Not.Zero);

        Assert.That(Emulator.Faults.FailChannel(id, channel, new EmulatorError(40160, 401, "denied")), Is.True);
        var error = await client.ReceiveActionAsync(Frames.Error, channel);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40160));
    }

    [Test]
    public async Task DelayedAck_ArrivesAfterDelay()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        Emulator.Faults.DelayAcks(TimeSpan.FromMilliseconds(400));
        var started = DateTime.UtcNow;
        var channel = Unique("delay");
        for (var i = 0; i < 20; i++)
        {
            await client.SendAsync(Frames.Publish(channel, i, Frames.Msg("a" + i)));
        }

        var first = await client.ReceiveActionAsync(Frames.Ack);
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)));
        Assert.That(first.Value<long>("msgSerial"), Is.Zero);
        for (var i = 1; i < 20; i++)
        {
            var next = await client.ReceiveActionAsync(Frames.Ack);
            Assert.That(next.Value<long>("msgSerial"), Is.EqualTo(i), "delayed ACKs keep msgSerial order");
        }
    }

    private static (byte[] Data, string? Encoding, byte[] Empty) ReadFirstMessage(byte[] frame)
    {
        var reader = new MessagePackReader(frame);
        byte[]? data = null;
        byte[]? empty = null;
        string? encoding = null;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            if (key != "messages")
            {
                reader.Skip();
                continue;
            }

            var n = reader.ReadArrayHeader();
            for (var j = 0; j < n; j++)
            {
                var fields = reader.ReadMapHeader();
                for (var k = 0; k < fields; k++)
                {
                    var field = reader.ReadString();
                    if (field == "data")
                    {
                        Assert.That(reader.NextMessagePackType, Is.EqualTo(MessagePackType.Binary), "data must be msgpack bin");
                        var bytes = reader.ReadBytes()!.Value.ToArray();
                        if (j == 0) data = bytes; else empty = bytes;
                    }
                    else if (field == "encoding" && j == 0)
                    {
                        encoding = reader.ReadString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }

        return (data!, encoding, empty!);
    }
}
