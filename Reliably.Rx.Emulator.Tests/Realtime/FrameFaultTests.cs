using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>
/// The proxy-like faults: frames suppressed or replaced in either direction, frames injected, a clean close, the log of
/// connection attempts, and a REST error with a chosen body.
/// </summary>
[TestFixture]
public sealed class FrameFaultTests : EmulatorTestBase
{
    [Test]
    public async Task ReplaceFrames_SendsTheReplacementInsteadOfTheNextMatchingFrames_ThenPassesThrough()
    {
        Emulator.Faults.ReplaceFrames(Frames.Connected, """{"action":9,"error":{"code":40005,"statusCode":400,"message":"Invalid key"}}""", count: 1);

        await using (var replaced = await ConnectAsync())
        {
            var error = await replaced.ReceiveActionAsync(Frames.Error);
            Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40005));
        }

        var (ok, connected) = await ConnectedAsync();
        Assert.That(connected.Value<string>("connectionId"), Is.Not.Null, "count 1: the next CONNECTED passes through");
        await ok.DisposeAsync();
    }

    [Test]
    public async Task SuppressFrames_Outbound_SwallowsOnlyTheMatchingChannel()
    {
        var (client, _) = await ConnectedAsync();
        var quiet = Unique("quiet");
        var loud = Unique("loud");
        Emulator.Faults.SuppressFrames(EmulatorFrameDirection.Outbound, Frames.Attached, channel: quiet);

        await client.SendAsync(new JObject { ["action"] = Frames.Attach, ["channel"] = quiet });
        await client.SendAsync(new JObject { ["action"] = Frames.Attach, ["channel"] = loud });
        await client.ReceiveActionAsync(Frames.Attached, loud);

        Assert.That(client.Pending().Any(f => f.Value<int>("action") == Frames.Attached && f.Value<string>("channel") == quiet), Is.False);
        await client.DisposeAsync();
    }

    [Test]
    public async Task SuppressFrames_Inbound_RecordsTheFrameButNeverHandlesIt()
    {
        var (client, connected) = await ConnectedAsync();
        var id = connected.Value<string>("connectionId")!;
        var channel = Unique("ignored");
        Emulator.Faults.SuppressFrames(EmulatorFrameDirection.Inbound, Frames.Attach, count: 1, channel: channel);

        await client.SendAsync(new JObject { ["action"] = Frames.Attach, ["channel"] = channel });
        await client.SendAsync(new JObject { ["action"] = Frames.Attach, ["channel"] = channel });
        await client.ReceiveActionAsync(Frames.Attached, channel);

        var frames = Emulator.GetFrames(id);
        Assert.That(frames.Count(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == Frames.Attach), Is.EqualTo(2), "both recorded");
        Assert.That(frames.Count(f => f.Direction == EmulatorFrameDirection.Outbound && f.Action == Frames.Attached), Is.EqualTo(1), "only the second handled");
        await client.DisposeAsync();
    }

    [Test]
    public async Task SendFrame_DeliversAnyProtocolMessage_AndCloseConnection_EndsTheSocketCleanlyAndResumably()
    {
        var (client, connected) = await ConnectedAsync();
        var id = connected.Value<string>("connectionId")!;
        var key = connected.Value<string>("connectionKey")!;

        Assert.That(Emulator.Faults.SendFrame(id, """{"action":11,"channel":"x","flags":0,"error":{"code":91001,"statusCode":500,"message":"Continuity lost"}}"""), Is.True);
        var attached = await client.ReceiveActionAsync(Frames.Attached, "x");
        Assert.That(attached["error"]!.Value<int>("code"), Is.EqualTo(91001));

        Assert.That(Emulator.Faults.CloseConnection(id), Is.True);
        await client.WaitClosedAsync();
        Assert.That(client.CloseStatus, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure));
        Assert.That(client.Pending().Any(f => f.Value<int>("action") is Frames.Disconnected or Frames.Error), Is.False, "no ProtocolMessage before the close");

        await using var resumed = await ConnectAsync(extra: "&resume=" + Uri.EscapeDataString(key));
        var again = await resumed.ReceiveActionAsync(Frames.Connected);
        Assert.That(again.Value<string>("connectionId"), Is.EqualTo(id), "RTN15c6: the state survived the close");

        Assert.Throws<ArgumentException>(() => Emulator.Faults.SendFrame(id, "{\"channel\":\"x\"}"), "no action");
        Assert.That(Emulator.Faults.SendFrame("no-such-connection", "{\"action\":0}"), Is.False);
    }

    [Test]
    public async Task GetConnectionAttempts_RecordsTheConnectParameters_WithSecretsRedacted()
    {
        var (client, connected) = await ConnectedAsync();
        var key = connected.Value<string>("connectionKey")!;
        client.Abort();
        await using var resumed = await ConnectAsync(extra: "&resume=" + Uri.EscapeDataString(key));
        await resumed.ReceiveActionAsync(Frames.Connected);

        var attempts = Emulator.GetConnectionAttempts();
        var last = attempts[^1];
        Assert.That(last.Parameter("resume"), Is.EqualTo(key));
        Assert.That(last.Parameter("key"), Does.EndWith(":[redacted]"));
        Assert.That(last.Parameter("key"), Does.Not.Contain(Emulator.DefaultKey.Split(':')[1]));
        Assert.That(attempts[^2].Parameter("resume"), Is.Null);

        using var http = Http.Client(Emulator.BaseUri);
        var log = (JArray)await Http.ReadAsync(await http.GetAsync("/_emulator/connection-attempts"));
        Assert.That(log.Last!["queryParams"]!.Value<string>("resume"), Is.EqualTo(key));
    }

    [Test]
    public async Task FailRestRequests_WithAnError_AnswersWithThatErrorOnce()
    {
        Emulator.Faults.FailRestRequests(401, count: 1, pathPrefix: "/channels/", error: new EmulatorError(40142, 401, "Token expired"));
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);

        var failed = await http.GetAsync("/channels/x/messages");
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Http.ReadAsync(failed))["error"]!.Value<int>("code"), Is.EqualTo(40142));
        Assert.That((await http.GetAsync("/channels/x/messages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task FrameFaults_AreReachableOverHttp_AndClearedByReset()
    {
        using var http = Http.Client(Emulator.BaseUri);
        var replace = await http.PostAsync("/_emulator/faults/frames/replace?action=4&count=1",
            Http.Json(new { action = 9, error = new { code = 50000, statusCode = 500, message = "boom" } }));
        Assert.That(replace.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await using (var replaced = await ConnectAsync())
        {
            Assert.That((await replaced.ReceiveActionAsync(Frames.Error))["error"]!.Value<int>("code"), Is.EqualTo(50000));
        }

        var suppress = await http.PostAsync("/_emulator/faults/frames/suppress?direction=out&action=4", null);
        Assert.That(suppress.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Emulator.Faults.Reset();
        var (ok, _) = await ConnectedAsync();
        await ok.DisposeAsync();
    }
}
