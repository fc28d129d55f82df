using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class ResumeTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task ResumeAfterDrop_SameIdNewKey_ReplaysMissedMessagesWithResumed(bool msgpack)
    {
        var channel = Unique("resume");
        var (client, connected) = await ConnectedAsync(msgpack);
        var (publisher, _) = await ConnectedAsync();
        await using var _p = publisher;
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("before")));
        var before = await client.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(string.CompareOrdinal(before.Value<string>("channelSerial"), attached.Value<string>("channelSerial")), Is.GreaterThan(0), "serials are ordered");

        var id = connected.Value<string>("connectionId")!;
        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        Assert.That(Emulator.Faults.DropConnection(id), Is.True);
        await client.WaitClosedAsync();
        await client.DisposeAsync();

        for (var i = 1; i <= 3; i++)
        {
            await publisher.SendAsync(Frames.Publish(channel, i, Frames.Msg("missed" + i)));
            await publisher.ReceiveUntilAsync(f => f.Is(Frames.Ack) && f.Value<long>("msgSerial") == i);
        }

        await using var resumed = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, msgpack, "&resume=" + Uri.EscapeDataString(key));
        var reconnected = await resumed.ReceiveActionAsync(Frames.Connected);
        Assert.That(reconnected.Value<string>("connectionId"), Is.EqualTo(id));
        Assert.That(reconnected["error"], Is.Null);
        Assert.That(reconnected["connectionDetails"]!.Value<string>("connectionKey"), Is.Not.EqualTo(key));

        await resumed.SendAsync(Frames.AttachFrame(channel, channelSerial: before.Value<string>("channelSerial")));
        var reattached = await resumed.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(reattached.Value<int>("flags") & (Frames.Resumed | Frames.HasBacklog), Is.EqualTo(Frames.Resumed | Frames.HasBacklog));
        for (var i = 1; i <= 3; i++)
        {
            var m = await resumed.ReceiveActionAsync(Frames.Message, channel);
            Assert.That(m["messages"]![0]!.Value<string>("name"), Is.EqualTo("missed" + i));
        }

        await publisher.SendAsync(Frames.Publish(channel, 4, Frames.Msg("live")));
        var live = await resumed.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(live["messages"]![0]!.Value<string>("name"), Is.EqualTo("live"));
        Assert.That(resumed.Pending().Where(f => f.Is(Frames.Message)), Is.Empty, "no duplicates");
    }

    [Test]
    public async Task ResentMsgSerialAfterResume_IsAckedAgainNotRepublished()
    {
        var channel = Unique("resend");
        var (client, connected) = await ConnectedAsync();
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("once")));
        var ack = await client.ReceiveActionAsync(Frames.Ack);
        Emulator.Faults.DropConnection(connected.Value<string>("connectionId")!);
        await client.WaitClosedAsync();
        await client.DisposeAsync();

        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        await using var resumed = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=" + Uri.EscapeDataString(key));
        await resumed.ReceiveActionAsync(Frames.Connected);
        await resumed.SendAsync(Frames.Publish(channel, 0, Frames.Msg("once")));
        var again = await resumed.ReceiveActionAsync(Frames.Ack);
        Assert.That(again["res"]!.ToString(), Is.EqualTo(ack["res"]!.ToString()));

        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var history = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/messages"));
        Assert.That(history, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ResumeWithUnknownKey_NewConnectionWith80008_AndAttachNotResumed()
    {
        var channel = Unique("failres");
        var (client, connected) = await ConnectedAsync();
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        var id = connected.Value<string>("connectionId")!;
        Assert.That(Emulator.Faults.ForgetConnection(id), Is.True);
        Emulator.Faults.DropConnection(id);
        await client.DisposeAsync();

        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        await using var next = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=" + Uri.EscapeDataString(key));
        var reconnected = await next.ReceiveActionAsync(Frames.Connected);
        Assert.That(reconnected.Value<string>("connectionId"), Is.Not.EqualTo(id));
        Assert.That(reconnected["error"]!.Value<int>("code"), Is.EqualTo(80008));
        Assert.That(reconnected["error"]!.Value<int>("statusCode"), Is.EqualTo(400));

        await next.SendAsync(Frames.AttachFrame(channel, channelSerial: attached.Value<string>("channelSerial")));
        var reattached = await next.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(reattached.Value<int>("flags") & Frames.Resumed, Is.Zero);
    }

    [TestCase("resume")]
    [TestCase("recover")]
    public async Task RTN16d_AWellFormedKeyThisServerNeverIssued_Gets80018_AndANewConnection(string param)
    {
        var fake = "_____!ablyjs_test_fake-key____";
        await using var client = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: $"&{param}={Uri.EscapeDataString(fake)}");
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(connected["error"]!.Value<int>("code"), Is.EqualTo(80018));
        Assert.That(connected["connectionDetails"]!.Value<string>("connectionKey"), Does.Not.Contain("fake"));
    }

    [Test]
    public async Task ResumeWithMalformedKey_Gets80018()
    {
        await using var client = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=garbage");
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        Assert.That(connected["error"]!.Value<int>("code"), Is.EqualTo(80018));
    }

    [Test]
    public async Task DisconnectFault_SendsDisconnectedThenCloses_AndStaysResumable()
    {
        var (client, connected) = await ConnectedAsync();
        var id = connected.Value<string>("connectionId")!;
        Assert.That(Emulator.Faults.Disconnect(id, new EmulatorError(80003, 503, "going away")), Is.True);
        var disconnected = await client.ReceiveActionAsync(Frames.Disconnected);
        Assert.That(disconnected["error"]!.Value<int>("code"), Is.EqualTo(80003));
        await client.WaitClosedAsync();
        await client.DisposeAsync();

        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        await using var resumed = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=" + Uri.EscapeDataString(key));
        var reconnected = await resumed.ReceiveActionAsync(Frames.Connected);
        Assert.That(reconnected.Value<string>("connectionId"), Is.EqualTo(id));
    }

    [Test]
    public async Task ResumeWhileOldTransportStillOpen_TakesOver()
    {
        var channel = Unique("takeover");
        var (old, connected) = await ConnectedAsync();
        await using var _o = old;
        await old.SendAsync(Frames.AttachFrame(channel));
        var attached = await old.ReceiveActionAsync(Frames.Attached, channel);
        var (publisher, _) = await ConnectedAsync();
        await using var _p = publisher;

        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        await using var taker = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=" + Uri.EscapeDataString(key));
        var first = await taker.ReceiveUntilAsync(_ => true);
        Assert.That(first.Is(Frames.Connected), Is.True, "CONNECTED is the first frame on the new transport");
        Assert.That(first.Value<string>("connectionId"), Is.EqualTo(connected.Value<string>("connectionId")));
        await old.WaitClosedAsync();

        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("while-switching")));
        await publisher.ReceiveActionAsync(Frames.Ack);
        await taker.SendAsync(Frames.AttachFrame(channel, channelSerial: attached.Value<string>("channelSerial")));
        var reattached = await taker.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(reattached.Value<int>("flags") & Frames.Resumed, Is.Not.Zero);
        var replayed = await taker.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(replayed["messages"]![0]!.Value<string>("name"), Is.EqualTo("while-switching"));
    }
}
