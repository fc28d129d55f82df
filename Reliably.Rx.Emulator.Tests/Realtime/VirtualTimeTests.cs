using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>The emulator's own timers (token expiry, presence leave delay, connectionStateTtl) follow the injected
/// TimeProvider, so minutes-long server behaviour is tested without waiting.</summary>
public sealed class VirtualTimeTests : EmulatorTestBase
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected override EmulatorOptions Options => new() { TimeProvider = _time };

    [Test]
    public async Task DefaultPresenceLeaveDelayAndStateTtl_RunOnVirtualTime()
    {
        var channel = Unique("virtual");
        var (member, connected) = await ConnectedAsync(extra: "&clientId=v");
        var (watcher, _) = await ConnectedAsync();
        await using var _w = watcher;
        await watcher.SendAsync(Frames.AttachFrame(channel));
        await watcher.ReceiveActionAsync(Frames.Attached, channel);
        await member.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2 }));
        await watcher.ReceiveUntilAsync(f => f.Is(Frames.Presence, channel));

        var id = connected.Value<string>("connectionId")!;
        Emulator.Faults.DropConnection(id);
        await member.WaitClosedAsync();
        await member.DisposeAsync();
        await WaitUntil(() => !Emulator.GetConnections().Single(c => c.ConnectionId == id).IsConnected);

        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.That(watcher.Pending().Any(f => f.Is(Frames.Presence, channel)), Is.False, "still inside the 15 s leave delay");
        _time.Advance(TimeSpan.FromSeconds(2));
        var leave = await watcher.ReceiveUntilAsync(f => f.Is(Frames.Presence, channel));
        Assert.That(leave["presence"]![0]!.Value<int>("action"), Is.EqualTo(3));
        Assert.That(leave["presence"]![0]!.Value<long>("timestamp"), Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()).Within(2000));

        _time.Advance(TimeSpan.FromSeconds(110));
        Assert.That(Emulator.GetConnections().Any(c => c.ConnectionId == id), Is.False, "state discarded after connectionStateTtl");
        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        await using var late = await WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, extra: "&resume=" + Uri.EscapeDataString(key));
        Assert.That((await late.ReceiveActionAsync(Frames.Connected))["error"]!.Value<int>("code"), Is.EqualTo(80008));
    }

    [Test]
    public async Task TokenTtl_ExpiresOnVirtualTime()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var keyName = Emulator.DefaultApp.Keys[0].KeyName;
        var token = (await Http.ReadAsync(await http.PostAsync($"/keys/{keyName}/requestToken", Http.Json(new JObject { ["ttl"] = 3_600_000 })))).Value<string>("token")!;
        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + token);
        await client.ReceiveActionAsync(Frames.Connected);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Disconnected)), Is.False);
        _time.Advance(TimeSpan.FromMinutes(2));
        var disconnected = await client.ReceiveActionAsync(Frames.Disconnected);
        Assert.That(disconnected["error"]!.Value<int>("code"), Is.EqualTo(40142));
    }

    [Test]
    public async Task RTN22_ServerAsksForReauthentication30sBeforeTheTokenExpires()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var keyName = Emulator.DefaultApp.Keys[0].KeyName;
        async Task<string> Token(long ttl) =>
            (await Http.ReadAsync(await http.PostAsync($"/keys/{keyName}/requestToken", Http.Json(new JObject { ["ttl"] = ttl })))).Value<string>("token")!;

        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + await Token(600_000));
        await client.ReceiveActionAsync(Frames.Connected);
        _time.Advance(TimeSpan.FromSeconds(569));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Auth)), Is.False, "not before 30 s ahead of expiry");
        _time.Advance(TimeSpan.FromSeconds(2));
        await client.ReceiveActionAsync(Frames.Auth);

        // The client renews in band: same connection, and the old token's expiry no longer disconnects it.
        await client.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = await Token(600_000) } });
        await client.ReceiveActionAsync(Frames.Connected);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Disconnected)), Is.False);

        // A token too short-lived for the lead time just expires.
        await using var brief = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + await Token(20_000));
        await brief.ReceiveActionAsync(Frames.Connected);
        _time.Advance(TimeSpan.FromSeconds(21));
        Assert.That((await brief.ReceiveActionAsync(Frames.Disconnected))["error"]!.Value<int>("code"), Is.EqualTo(40142));
        Assert.That(brief.Pending().Any(f => f.Is(Frames.Auth)), Is.False);
    }

    [Test]
    public async Task RTN7a_DelayedAcks_are_timed_on_the_monotonic_clock_not_the_servers_wall_clock()
    {
        // The ack-delay fault holds ACKs for a duration. A server clock that jumps back meanwhile (clock skew) must not
        // hold them for the jump as well: the client would see a publish with neither ACK nor NACK while CONNECTED.
        var channel = Unique("skew-ack");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        Emulator.Faults.DelayAcks(TimeSpan.FromMilliseconds(400));
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("a")));

        // An ATTACHED, which is never held, says the server has handled the frames sent before the ATTACH.
        await client.SendAsync(Frames.AttachFrame(channel));
        await client.ReceiveActionAsync(Frames.Attached, channel);
        _time.Skew(TimeSpan.FromMinutes(-3));
        Emulator.Faults.DelayAcks(TimeSpan.Zero);
        await client.SendAsync(Frames.Publish(channel, 1, Frames.Msg("b")));
        await client.SendAsync(Frames.AttachFrame(channel + "-marker"));
        await client.ReceiveActionAsync(Frames.Attached, channel + "-marker");

        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Ack)), Is.False, "not before the delay");
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.That((await client.ReceiveActionAsync(Frames.Ack)).Value<long>("msgSerial"), Is.Zero);
        Assert.That((await client.ReceiveActionAsync(Frames.Ack)).Value<long>("msgSerial"), Is.EqualTo(1), "the undelayed ACK behind it follows, in msgSerial order");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met");
            }

            await Task.Delay(2);
        }
    }
}
