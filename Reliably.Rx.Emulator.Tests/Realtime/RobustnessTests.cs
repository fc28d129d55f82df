using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

public sealed class RobustnessTests : EmulatorTestBase
{
    private static readonly string[] BadFrames =
    [
        "{\"action\":15,\"channel\":\"x\",\"msgSerial\":0}",
        "{\"action\":15,\"channel\":\"x\",\"msgSerial\":0,\"messages\":\"nope\"}",
        "{\"action\":15,\"channel\":\"x\",\"msgSerial\":0,\"messages\":[1,2]}",
        "{\"action\":15,\"msgSerial\":0,\"messages\":[{}]}",
        "{\"action\":15,\"channel\":\"x\",\"msgSerial\":0,\"messages\":[{\"data\":\"@@@\",\"encoding\":\"base64\"}]}",
        "{\"action\":14,\"channel\":\"x\",\"msgSerial\":0,\"presence\":[{\"action\":2,\"clientId\":{\"a\":1}}]}",
        "{\"action\":14,\"channel\":\"x\",\"msgSerial\":0,\"presence\":[{\"action\":0,\"clientId\":\"c\"}]}",
        "{\"action\":14,\"channel\":\"x\",\"msgSerial\":0,\"presence\":[{\"action\":\"enter\",\"clientId\":\"c\"}]}",
    ];

    [TestCaseSource(nameof(BadFrames))]
    public async Task BadPublishes_AreNackedOrFailed_NeverCrash(string frame)
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(frame);
        var reply = await client.ReceiveUntilAsync(f => f.Is(Frames.Nack) || f.Is(Frames.Error));
        Assert.That(reply["error"]!.Value<int>("code"), Is.InRange(40000, 49999));

        // The server keeps serving others.
        var (other, _) = await ConnectedAsync();
        await other.SendAsync(Frames.Publish(Unique("ok"), 0, Frames.Msg("fine")));
        await other.ReceiveActionAsync(Frames.Ack);
        await other.DisposeAsync();
    }

    [TestCase(19)]
    [TestCase(21)]
    public async Task UnsupportedObjectAndAnnotationMessages_AreNacked(int action)
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(new JObject { ["action"] = action, ["channel"] = "x", ["msgSerial"] = 0 });
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack.Value<long>("msgSerial"), Is.Zero);
        await client.SendAsync(Frames.Publish("x", 1, Frames.Msg("after")));
        Assert.That((await client.ReceiveActionAsync(Frames.Ack)).Value<long>("msgSerial"), Is.EqualTo(1));
    }

    [Test]
    public async Task AttachWithoutChannel_IsAConnectionError()
    {
        var (client, _) = await ConnectedAsync(true);
        await using var _c = client;
        await client.SendAsync(new JObject { ["action"] = Frames.Attach });
        var error = await client.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40010));
        await client.WaitClosedAsync();
    }

    [Test]
    public async Task DelayedAttached_ArrivesAfterDelay()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        Emulator.Faults.DelayAttached(TimeSpan.FromMilliseconds(400));
        var started = DateTime.UtcNow;
        await client.SendAsync(Frames.AttachFrame(Unique("slow")));
        await client.ReceiveActionAsync(Frames.Attached);
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)));
    }

    [Test]
    public async Task RestBodiesWithWrongTypes_Get400()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var response = await http.PostAsync("/channels/x/messages", Http.Json(new JArray(new JObject { ["name"] = new JObject { ["a"] = 1 } })));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var msgpack = await http.PostAsync("/channels/x/messages", new ByteArrayContent([0xc1]) { Headers = { ContentType = new("application/x-msgpack") } });
        Assert.That(msgpack.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task HistoryUntilAttach_UsesFromSerial()
    {
        var channel = Unique("until");
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "before" }));
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "after" }));
        var serial = Uri.EscapeDataString(attached.Value<string>("channelSerial")!);
        foreach (var param in new[] { "fromSerial", "from_serial" })
        {
            var history = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/messages?{param}={serial}"));
            Assert.That(history.Select(m => m.Value<string>("name")), Is.EqualTo(new[] { "before" }), param);
        }
    }
}
