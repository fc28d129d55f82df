using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>Channel modes and params on ATTACH (RTL4k, RTL4l, RTL4m) and their enforcement.</summary>
public sealed class ChannelModesTests : EmulatorTestBase
{
    private const int Presence = 1 << 16, Publish = 1 << 17, Subscribe = 1 << 18, PresenceSubscribe = 1 << 19,
        AnnotationPublish = 1 << 21, AllModes = 0x3FF0000;

    [TestCase(false)]
    [TestCase(true)]
    public async Task RTL4m_NoModesRequested_GrantsTheDefaultSet(bool msgpack)
    {
        var (client, _) = await ConnectedAsync(msgpack);
        await using var _c = client;
        var channel = Unique("defaults");
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & AllModes, Is.EqualTo(Presence | Publish | Subscribe | PresenceSubscribe | AnnotationPublish));
    }

    [Test]
    public async Task RTL4k1_RecognisedParamsEchoed_UnrecognisedDropped()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        var channel = Unique("params");
        await client.SendAsync(Frames.AttachFrame(channel, parameters: new JObject
        {
            ["delta"] = "vcdiff",
            ["rewind"] = 1,
            ["nonexistent"] = "foo",
        }));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached["params"], Is.EqualTo(new JObject { ["delta"] = "vcdiff", ["rewind"] = "1" }).Using<JToken>(JToken.DeepEquals));
    }

    [Test]
    public async Task RTL4k_InvalidParamValue_FailsTheChannelOnly()
    {
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        var channel = Unique("badparam");
        await client.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["rewind"] = "yesterday" }));
        var error = await client.ReceiveActionAsync(Frames.Error, channel);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40003));

        // The connection carries on.
        await client.SendAsync(Frames.AttachFrame(channel));
        await client.ReceiveActionAsync(Frames.Attached, channel);
    }

    [Test]
    public async Task RTL4l_ParamsModesReplaceTheFlags_AndAreEnforced()
    {
        var channel = Unique("pmodes");
        var (client, _) = await ConnectedAsync();
        var (other, _) = await ConnectedAsync();
        await using var _c = client;
        await using var _o = other;

        // The flags ask for publish and presence_subscribe; params.modes (presence, subscribe) wins.
        await client.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["modes"] = "presence,subscribe" }, flags: Publish | PresenceSubscribe));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & AllModes, Is.EqualTo(Presence | Subscribe));
        Assert.That(attached["params"]!.Value<string>("modes"), Is.EqualTo("presence,subscribe"));

        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("refused")));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(40165));
        Assert.That(nack["error"]!.Value<int>("statusCode"), Is.EqualTo(401));

        // Entering presence is allowed, but presence events of others are not delivered (no PRESENCE_SUBSCRIBE)...
        await client.SendAsync(Frames.PresenceFrame(channel, 1, new JObject { ["action"] = 2, ["clientId"] = "me" }));
        await client.ReceiveActionAsync(Frames.Ack);
        await other.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2, ["clientId"] = "them" }));
        await other.ReceiveActionAsync(Frames.Ack);

        // ...while messages are (SUBSCRIBE).
        await other.SendAsync(Frames.Publish(channel, 1, Frames.Msg("hello")));
        var message = await client.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(message["messages"]![0]!.Value<string>("name"), Is.EqualTo("hello"));
        Assert.That(client.Pending().Where(f => f.Is(Frames.Presence, channel)).SelectMany(f => f["presence"]!)
            .Select(p => p.Value<string>("clientId")), Does.Not.Contain("them"));
    }

    [Test]
    public async Task RTL4m_WithoutPresenceMode_EnterIsNacked40165_AndWithoutSubscribe_NothingArrives()
    {
        var channel = Unique("nopresence");
        var (client, _) = await ConnectedAsync();
        var (other, _) = await ConnectedAsync();
        await using var _c = client;
        await using var _o = other;
        await client.SendAsync(Frames.AttachFrame(channel, flags: Publish | PresenceSubscribe));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & AllModes, Is.EqualTo(Publish | PresenceSubscribe));

        await client.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2, ["clientId"] = "me" }));
        var nack = await client.ReceiveActionAsync(Frames.Nack);
        Assert.That(nack["error"]!.Value<int>("code"), Is.EqualTo(40165));

        await other.SendAsync(Frames.Publish(channel, 0, Frames.Msg("unseen")));
        await other.ReceiveActionAsync(Frames.Ack);
        await other.SendAsync(Frames.PresenceFrame(channel, 1, new JObject { ["action"] = 2, ["clientId"] = "them" }));
        await other.ReceiveActionAsync(Frames.Ack);
        var presence = await client.ReceiveActionAsync(Frames.Presence, channel);
        Assert.That(presence["presence"]![0]!.Value<string>("clientId"), Is.EqualTo("them"));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Message, channel)), Is.False, "no SUBSCRIBE mode: no messages");
    }

    [Test]
    public async Task RTL4k_EchoParamFalse_SuppressesOwnMessagesOnThatChannel()
    {
        var quiet = Unique("echo-off");
        var loud = Unique("echo-on");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.AttachFrame(quiet, parameters: new JObject { ["echo"] = "false" }));
        await client.ReceiveActionAsync(Frames.Attached, quiet);
        await client.SendAsync(Frames.AttachFrame(loud));
        await client.ReceiveActionAsync(Frames.Attached, loud);

        await client.SendAsync(Frames.Publish(quiet, 0, Frames.Msg("mine")));
        await client.SendAsync(Frames.Publish(loud, 1, Frames.Msg("mine too")));
        var echoed = await client.ReceiveActionAsync(Frames.Message, loud);
        Assert.That(echoed["messages"]![0]!.Value<string>("name"), Is.EqualTo("mine too"));
        Assert.That(client.Pending().Any(f => f.Is(Frames.Message, quiet)), Is.False);
    }

    [Test]
    public async Task RTL4k_RewindAsDuration_ReplaysRecentMessages()
    {
        var channel = Unique("rewind-span");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("recent")));
        await client.ReceiveActionAsync(Frames.Ack);

        var (late, _) = await ConnectedAsync(msgpack: true);
        await using var _l = late;
        await late.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["rewind"] = "1m" }));
        var attached = await late.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & Frames.HasBacklog, Is.Not.Zero);
        var replayed = await late.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(replayed["messages"]![0]!.Value<string>("name"), Is.EqualTo("recent"));
    }

    [Test]
    public async Task RTL4k_OccupancyParam_DeliversMetaOccupancyEventsAsTheChannelChanges()
    {
        var channel = Unique("occupancy");
        var (watcher, _) = await ConnectedAsync();
        await using var _w = watcher;
        await watcher.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["occupancy"] = "metrics" }));
        var attached = await watcher.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached["params"]!.Value<string>("occupancy"), Is.EqualTo("metrics"));
        static JObject Metrics(JObject frame) => (JObject)frame["messages"]![0]!["data"]!["metrics"]!;
        var first = await watcher.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(first["messages"]![0]!.Value<string>("name"), Is.EqualTo("[meta]occupancy"));
        Assert.That(Metrics(first).Value<int>("connections"), Is.EqualTo(1));

        var (other, _) = await ConnectedAsync(extra: "&clientId=member");
        await using var _o = other;
        await other.SendAsync(Frames.AttachFrame(channel, flags: (1 << 16) | (1 << 17)));
        await other.ReceiveActionAsync(Frames.Attached, channel);
        var joined = await watcher.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(Metrics(joined).Value<int>("connections"), Is.EqualTo(2));
        Assert.That(Metrics(joined).Value<int>("publishers"), Is.EqualTo(2));
        Assert.That(Metrics(joined).Value<int>("presenceConnections"), Is.EqualTo(2));

        await other.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2 }));
        var entered = await watcher.ReceiveUntilAsync(f => f.Is(Frames.Message, channel) && Metrics(f).Value<int>("presenceMembers") == 1);
        Assert.That(Metrics(entered).Value<int>("subscribers"), Is.EqualTo(1), "the member's connection did not ask for SUBSCRIBE");
    }

    [Test]
    public async Task RTC8a1_ACapabilityChangeInBand_RegrantsModesWithoutReattach()
    {
        var channel = Unique("regrant");
        var key = Emulator.DefaultApp.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        async Task<string> Token(string ops) => (await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/requestToken",
            Http.Json(new JObject { ["capability"] = "{\"" + channel + "\":[" + ops + "]}" })))).Value<string>("token")!;

        await using var client = await WsClient.ConnectAsync(Emulator.BaseUri, "access_token=" + await Token("\"subscribe\""));
        await client.ReceiveActionAsync(Frames.Connected);
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & AllModes, Is.EqualTo(Subscribe | PresenceSubscribe));
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("denied")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40160));

        await client.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = await Token("\"subscribe\",\"publish\"") } });
        await client.ReceiveActionAsync(Frames.Connected);
        await client.SendAsync(Frames.Publish(channel, 1, Frames.Msg("allowed")));
        await client.ReceiveActionAsync(Frames.Ack);
        var echoed = await client.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(echoed["messages"]![0]!.Value<string>("name"), Is.EqualTo("allowed"));

        // Back to subscribe only: publishing is refused again, by capability.
        await client.SendAsync(new JObject { ["action"] = Frames.Auth, ["auth"] = new JObject { ["accessToken"] = await Token("\"subscribe\"") } });
        await client.ReceiveActionAsync(Frames.Connected);
        await client.SendAsync(Frames.Publish(channel, 2, Frames.Msg("denied again")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40160));
    }

    [Test]
    public async Task AttachFlaggedAttachResume_GetsNoRewind()
    {
        var channel = Unique("attach-resume");
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("old")));
        await client.ReceiveActionAsync(Frames.Ack);

        var (late, _) = await ConnectedAsync();
        await using var _l = late;
        await late.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["rewind"] = "1" }, flags: 32));
        var attached = await late.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & Frames.HasBacklog, Is.Zero);
        await client.SendAsync(Frames.Publish(channel, 1, Frames.Msg("new")));
        var live = await late.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(live["messages"]![0]!.Value<string>("name"), Is.EqualTo("new"));
    }

    [Test]
    public async Task RTL4k_QualifiedName_CarriesParams_AndFramesKeepTheQualifiedName()
    {
        var channel = Unique("qualified");
        var qualified = "[?rewind=1]" + channel;
        var (client, _) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("first")));
        await client.SendAsync(Frames.Publish(channel, 1, Frames.Msg("second")));
        await client.ReceiveActionAsync(Frames.Ack);
        await client.ReceiveActionAsync(Frames.Ack);

        await client.SendAsync(Frames.AttachFrame(qualified));
        var attached = await client.ReceiveActionAsync(Frames.Attached, qualified);
        Assert.That(attached["params"]!.Value<string>("rewind"), Is.EqualTo("1"));
        var replayed = await client.ReceiveActionAsync(Frames.Message, qualified);
        Assert.That(replayed["messages"]![0]!.Value<string>("name"), Is.EqualTo("second"));

        await client.SendAsync(Frames.Publish(channel, 2, Frames.Msg("live")));
        var live = await client.ReceiveActionAsync(Frames.Message, qualified);
        Assert.That(live["messages"]![0]!.Value<string>("name"), Is.EqualTo("live"));
    }
}
