using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class ConnectionTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task Connect_SendsConnectedWithFullConnectionDetails(bool msgpack)
    {
        var (client, connected) = await ConnectedAsync(msgpack, "&clientId=alice");
        await using var _ = client;
        var details = (JObject)connected["connectionDetails"]!;
        Assert.Multiple(() =>
        {
            Assert.That(connected.Value<string>("connectionId"), Is.Not.Empty);
            Assert.That(connected.Value<string>("connectionKey"), Is.EqualTo(details.Value<string>("connectionKey")));
            Assert.That(details.Value<string>("connectionKey"), Does.StartWith(connected.Value<string>("connectionId") + "!"));
            Assert.That(details.Value<string>("clientId"), Is.EqualTo("alice"));
            Assert.That(details.Value<long>("maxMessageSize"), Is.EqualTo(65536));
            Assert.That(details.Value<long>("maxFrameSize"), Is.EqualTo(524288));
            Assert.That(details.Value<long>("connectionStateTtl"), Is.EqualTo(120000));
            Assert.That(details.Value<long>("maxIdleInterval"), Is.EqualTo(15000));
            Assert.That(details["serverId"], Is.Not.Null);
            Assert.That(connected["error"], Is.Null);
        });
        if (msgpack)
        {
            Assert.That(client.RawFrames(), Is.Not.Empty, "msgpack connections must get binary frames");
        }
    }

    [TestCase("not-a-key", 40005)]
    [TestCase("nosuchapp.key:secret", 40101)]
    [TestCase("this.is:wrong", 40101)]
    public async Task RSA1_BadKey_GetsErrorThenClose(string key, int code)
    {
        await using var client = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, key);
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(code));
        Assert.That(error["channel"], Is.Null);
        await client.WaitClosedAsync();
    }

    [Test]
    public async Task WrongSecret_Gets40101()
    {
        var keyName = Emulator.DefaultApp.Keys[0].KeyName;
        await using var client = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, keyName + ":wrong");
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40101));
        await client.WaitClosedAsync();
    }

    [Test]
    public async Task OldProtocolVersion_Gets40017()
    {
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "key=" + Uri.EscapeDataString(Emulator.DefaultKey) + "&v=1");
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40017));
    }

    [Test]
    public async Task Ping_IsEchoedWithId()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "ping-42" });
        var pong = await client.ReceiveUntilAsync(f => f.Is(Frames.Heartbeat) && f.Value<string>("id") == "ping-42");
        Assert.That(pong.Value<string>("id"), Is.EqualTo("ping-42"));
    }

    [Test]
    public async Task Close_GetsClosedThenSocketCloses()
    {
        var (client, connected) = await ConnectedAsync();
        await using var _ = client;
        await client.SendAsync(new JObject { ["action"] = Frames.Close });
        await client.ReceiveActionAsync(Frames.Closed);
        await client.WaitClosedAsync();
        Assert.That(Emulator.GetConnections().Any(c => c.ConnectionId == connected.Value<string>("connectionId")), Is.False);
    }

    [Test]
    public async Task MalformedFrame_GetsErrorNotCrash()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendRawAsync("{not json"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text);
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40000));
        await client.WaitClosedAsync();

        // The server still works.
        var (other, _) = await ConnectedAsync();
        await other.DisposeAsync();
    }

    [Test]
    public async Task UnknownFieldsAndActions_AreIgnored()
    {
        // An unknown query parameter does not stop the connection.
        var (client, connected) = await ConnectedAsync(extra: "&unknownParam=1");
        await using var _c = client;
        var id = connected.Value<string>("connectionId");
        Assert.That(id, Is.Not.Empty);

        await client.SendAsync(new JObject { ["action"] = 99, ["whatever"] = 1 });
        await client.SendAsync(new JObject { ["action"] = Frames.Heartbeat, ["id"] = "x", ["msgSerial"] = 0 });
        // The server handles a connection's frames in order: whatever the unknown action caused was sent before this echo.
        var pong = await client.ReceiveUntilAsync(f => f.Is(Frames.Heartbeat) && f.Value<string>("id") == "x");

        Assert.Multiple(() =>
        {
            Assert.That(pong.Value<string>("id"), Is.EqualTo("x"), "the unknown field msgSerial does not disturb the heartbeat");
            Assert.That(client.Pending().Select(f => f.Value<int>("action")), Has.None.AnyOf(Frames.Error, Frames.Disconnected, Frames.Closed));
            Assert.That(client.Closed, Is.False, "the socket stays open");
            Assert.That(Emulator.GetConnections().Select(c => c.ConnectionId), Does.Contain(id));
            Assert.That(Emulator.GetFrames(id!).Select(f => (f.Direction, f.Action)), Does.Contain((EmulatorFrameDirection.Inbound, 99)), "the server received the unknown action");
        });
    }

    [Test]
    public async Task Frames_AreRecordedBothWays_AndServedOverHttp()
    {
        var (client, connected) = await ConnectedAsync(true);
        await using var _c = client;
        var id = connected.Value<string>("connectionId")!;
        await client.SendAsync(Frames.AttachFrame("recorded", channelSerial: "x"));
        await client.ReceiveActionAsync(Frames.Attached, "recorded");
        var frames = Emulator.GetFrames(id);
        Assert.That(frames.Select(f => (f.Direction, f.Action)), Is.SupersetOf(new[]
        {
            (EmulatorFrameDirection.Outbound, Frames.Connected),
            (EmulatorFrameDirection.Inbound, Frames.Attach),
            (EmulatorFrameDirection.Outbound, Frames.Attached),
        }));
        Assert.That(JObject.Parse(frames.First(f => f.Action == Frames.Attach).Json).Value<string>("channelSerial"), Is.EqualTo("x"));

        using var http = Http.Client(Emulator.BaseUri);
        var viaHttp = (JArray)await Http.ReadAsync(await http.GetAsync($"/_emulator/connections/{id}/frames"));
        Assert.That(viaHttp.Any(f => f.Value<string>("direction") == "in" && f.Value<int>("action") == Frames.Attach));
    }

    [Test]
    public async Task RejectedConnectionAttempts_DropOrDisconnect_ThenRecover()
    {
        Emulator.Faults.FailConnectionAttempts(count: 1);
        Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(async () => await ConnectAsync());

        Emulator.Faults.FailConnectionAttempts(count: 1, error: new EmulatorError(80003, 503, "try later"));
        await using (var refused = await ConnectAsync())
        {
            var disconnected = await refused.ReceiveActionAsync(Frames.Disconnected);
            Assert.That(disconnected["error"]!.Value<int>("statusCode"), Is.EqualTo(503));
            await refused.WaitClosedAsync();
        }

        var (ok, _) = await ConnectedAsync();
        await ok.DisposeAsync();
    }

    [Test]
    public async Task DropAllConnections_DropsEveryTransport()
    {
        var (a, _) = await ConnectedAsync();
        var (b, _) = await ConnectedAsync(true);
        Assert.That(Emulator.Faults.DropAllConnections(), Is.GreaterThanOrEqualTo(2));
        await a.WaitClosedAsync();
        await b.WaitClosedAsync();
        await a.DisposeAsync();
        await b.DisposeAsync();
    }
}
