using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class PresenceTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task EnterUpdateLeave_SeenByOtherClient(bool msgpack)
    {
        var channel = Unique("pres");
        var (member, memberConnected) = await ConnectedAsync(msgpack, "&clientId=alice");
        var (watcher, _) = await ConnectedAsync(!msgpack);
        await using var _m = member;
        await using var _w = watcher;
        await watcher.SendAsync(Frames.AttachFrame(channel));
        var attached = await watcher.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & Frames.HasPresence, Is.Zero, "no members yet");

        await member.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2, ["data"] = "hi" }));
        await member.ReceiveUntilAsync(f => f.Is(Frames.Ack) && f.Value<long>("msgSerial") == 0);
        var enter = await watcher.ReceiveActionAsync(Frames.Presence, channel);
        var p = enter["presence"]![0]!;
        var connId = memberConnected.Value<string>("connectionId");
        Assert.Multiple(() =>
        {
            Assert.That(p.Value<int>("action"), Is.EqualTo(2));
            Assert.That(p.Value<string>("clientId"), Is.EqualTo("alice"));
            Assert.That(p.Value<string>("connectionId"), Is.EqualTo(connId));
            Assert.That(p.Value<string>("id"), Is.EqualTo(connId + ":0:0"));
            Assert.That(enter.Value<string>("channelSerial"), Is.Not.Empty);
        });

        // A repeated ENTER is broadcast as UPDATE.
        await member.SendAsync(Frames.PresenceFrame(channel, 1, new JObject { ["action"] = 2, ["data"] = "again" }));
        var update = await watcher.ReceiveActionAsync(Frames.Presence, channel);
        Assert.That(update["presence"]![0]!.Value<int>("action"), Is.EqualTo(4));

        await member.SendAsync(Frames.PresenceFrame(channel, 2, new JObject { ["action"] = 3 }));
        var leave = await watcher.ReceiveActionAsync(Frames.Presence, channel);
        Assert.That(leave["presence"]![0]!.Value<int>("action"), Is.EqualTo(3));

        // RTP10d: leaving again (absent) is still ACKed.
        await member.SendAsync(Frames.PresenceFrame(channel, 3, new JObject { ["action"] = 3 }));
        await member.ReceiveUntilAsync(f => f.Is(Frames.Ack) && f.Value<long>("msgSerial") == 3);
    }

    [Test]
    public async Task EnterWithoutClientId_Nacked91000_AndEnterClientNeedsWildcard()
    {
        var channel = Unique("anon");
        var (anon, _) = await ConnectedAsync();
        await using var _a = anon;
        await anon.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2 }));
        var nack = await anon.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(91000));

        var (bob, _) = await ConnectedAsync(extra: "&clientId=bob");
        await using var _b = bob;
        await bob.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2, ["clientId"] = "mallory" }));
        var nack2 = await bob.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack2["error"]!.Value<int>("code"), Is.EqualTo(40012));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Sync_Pages250Members(bool msgpack)
    {
        var channel = Unique("sync");
        var (basic, _) = await ConnectedAsync(); // basic auth without clientId: enterClient allowed for any clientId
        await using var _b = basic;
        for (var i = 0; i < 250; i++)
        {
            await basic.SendAsync(Frames.PresenceFrame(channel, i, new JObject { ["action"] = 2, ["clientId"] = "member" + i }));
        }

        await basic.ReceiveUntilAsync(f => f.Is(Frames.Ack) && f.Value<long>("msgSerial") == 249);

        var (late, _) = await ConnectedAsync(msgpack);
        await using var _l = late;
        await late.SendAsync(Frames.AttachFrame(channel));
        var attached = await late.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & Frames.HasPresence, Is.Not.Zero);

        var seen = new HashSet<string>();
        string? syncId = null;
        var pages = 0;
        while (true)
        {
            var sync = await late.ReceiveActionAsync(Frames.Sync, channel);
            pages++;
            var serial = sync.Value<string>("channelSerial")!;
            var colon = serial.IndexOf(':');
            syncId ??= serial[..colon];
            Assert.That(serial[..colon], Is.EqualTo(syncId));
            foreach (var p in sync["presence"]!)
            {
                Assert.That(p.Value<int>("action"), Is.EqualTo(1));
                seen.Add(p.Value<string>("clientId")!);
            }

            if (serial.Length == colon + 1)
            {
                break;
            }
        }

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Has.Count.EqualTo(250));
    }

    [Test]
    public async Task AbruptDrop_SynthesizesLeaveAfterDelay()
    {
        var channel = Unique("drop");
        var (member, connected) = await ConnectedAsync(extra: "&clientId=dropper");
        var (watcher, _) = await ConnectedAsync();
        await using var _w = watcher;
        await watcher.SendAsync(Frames.AttachFrame(channel));
        await watcher.ReceiveActionAsync(Frames.Attached, channel);
        await member.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2 }));
        await watcher.ReceiveUntilAsync(f => f.Is(Frames.Presence, channel) && f["presence"]![0]!.Value<int>("action") == 2);

        // Read before the drop: the leave is synthesized 300 ms after it, and the client may see its socket close later
        // than that on a loaded machine.
        var connId = connected.Value<string>("connectionId")!;
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(Emulator.Faults.DropConnection(connId), Is.True);
        await member.WaitClosedAsync();
        var leave = await watcher.ReceiveUntilAsync(f => f.Is(Frames.Presence, channel) && f["presence"]![0]!.Value<int>("action") == 3);
        var p = leave["presence"]![0]!;
        Assert.That(p.Value<string>("clientId"), Is.EqualTo("dropper"));
        Assert.That(p.Value<string>("id"), Does.Not.StartWith(connId), "a synthesized leave's id must not start with the connectionId (RTP2b1)");
        Assert.That(p.Value<long>("timestamp"), Is.GreaterThanOrEqualTo(before), "stamped when synthesized, after the drop");
        await member.DisposeAsync();
    }

    [Test]
    public async Task Close_MembersLeaveAtOnce()
    {
        var channel = Unique("closepres");
        var (member, _) = await ConnectedAsync(extra: "&clientId=closer");
        var (watcher, _) = await ConnectedAsync();
        await using var _m = member;
        await using var _w = watcher;
        await watcher.SendAsync(Frames.AttachFrame(channel));
        await watcher.ReceiveActionAsync(Frames.Attached, channel);
        await member.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2 }));
        await watcher.ReceiveUntilAsync(f => f.Is(Frames.Presence, channel));
        await member.SendAsync(new JObject { ["action"] = Frames.Close });
        await member.ReceiveActionAsync(Frames.Closed);
        var leave = await watcher.ReceiveUntilAsync(f => f.Is(Frames.Presence, channel));
        Assert.That(leave["presence"]![0]!.Value<int>("action"), Is.EqualTo(3));
    }
}
