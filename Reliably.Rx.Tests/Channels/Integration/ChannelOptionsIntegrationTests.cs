using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// Channel params and modes (RTL4k, RTL4l, RTL4m), rewind, invalid names and capability-limited operations against the
/// emulator, which grants and enforces them as Ably does.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ChannelOptionsIntegrationTests : RealtimeEmulatorFixture
{
    private const ChannelModes DefaultModes = ChannelModes.Presence | ChannelModes.Publish | ChannelModes.Subscribe
        | ChannelModes.PresenceSubscribe | ChannelModes.AnnotationPublish;

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4m_without_requested_modes_the_channel_exposes_the_default_modes_granted(string format)
    {
        var client = await ConnectedClient(format);
        var channel = client.Channels.Get(UniqueChannel("defaults"));
        await channel.AttachAsync().WaitAsync(Wait);
        Assert.That(channel.Modes, Is.EqualTo(DefaultModes));
        Assert.That(channel.Params, Is.Empty);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4l_requested_modes_are_granted_and_enforced(string format)
    {
        var name = UniqueChannel("modes");
        var client = await ConnectedClient(format, o => o with { ClientId = "limited" });
        var other = await ConnectedClient(format, o => o with { ClientId = "other" });
        var channel = client.Channels.Get(name, new ChannelOptions { Modes = ChannelModes.Publish | ChannelModes.PresenceSubscribe });
        var collector = new MessageCollector();
        using var subscription = channel.Messages().Subscribe(collector);
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);
        Assert.That(channel.Modes, Is.EqualTo(ChannelModes.Publish | ChannelModes.PresenceSubscribe));

        // Publishing is granted; entering presence is not (40165: the mode was not requested).
        await channel.PublishAsync("mine", "x").WaitAsync(Wait);
        var refused = Assert.ThrowsAsync<AblyException>(async () => await channel.Presence.EnterAsync().WaitAsync(Wait));
        Assert.That(refused!.ErrorInfo.Code, Is.EqualTo(40165));

        // Without SUBSCRIBE nothing is delivered, but presence events are (PRESENCE_SUBSCRIBE). The other client's ENTER
        // is acknowledged to it on its own connection; the PRESENCE event reaches this client on another, so it is
        // awaited here rather than assumed to have arrived with the ACK.
        var otherSeen = channel.Presence.Members.FirstAsync(set => set.Any(m => m.ClientId == "other")).ToTask();
        var otherChannel = other.Channels.Get(name);
        await otherChannel.PublishAsync("theirs", "y").WaitAsync(Wait);
        await otherChannel.Presence.EnterAsync().WaitAsync(Wait);
        await otherSeen.WaitAsync(Wait);
        var members = await channel.Presence.GetAsync().WaitAsync(Wait);
        Assert.That(members.Select(m => m.ClientId), Does.Contain("other"));
        Assert.That(collector.Messages, Is.Empty);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4k1_params_are_sent_and_the_ones_the_server_recognises_are_exposed(string format)
    {
        var client = await ConnectedClient(format);
        var options = new ChannelOptions
        {
            Params = new Dictionary<string, string> { ["modes"] = "subscribe", ["delta"] = "vcdiff", ["nonexistent"] = "foo" },
        };
        var channel = client.Channels.Get(UniqueChannel("params"), options);
        await channel.AttachAsync().WaitAsync(Wait);
        Assert.That(channel.Params, Is.EquivalentTo(new Dictionary<string, string> { ["modes"] = "subscribe", ["delta"] = "vcdiff" }));
        Assert.That(channel.Modes, Is.EqualTo(ChannelModes.Subscribe), "params.modes takes the place of the requested modes");

        var refused = Assert.ThrowsAsync<AblyException>(async () => await channel.PublishAsync("n", "d").WaitAsync(Wait));
        Assert.That(refused!.ErrorInfo.Code, Is.EqualTo(40165));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4k_rewind_replays_the_latest_messages_on_attach_then_live_ones(string format)
    {
        var name = UniqueChannel("rewind");
        var publisher = await ConnectedClient(format);
        var outbound = publisher.Channels.Get(name);
        foreach (var n in new[] { "a", "b", "c" })
        {
            await outbound.PublishAsync(n, n).WaitAsync(Wait);
        }

        var subscriber = await ConnectedClient(format);
        var inbound = subscriber.Channels.Get(name, new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "2" } });
        var (collector, subscription) = await SubscribeAsync(inbound);
        using var _ = subscription;
        await collector.WaitForCountAsync(2, Wait);
        await outbound.PublishAsync("d", "d").WaitAsync(Wait);
        await collector.WaitForCountAsync(3, Wait);
        Assert.That(collector.Messages.Select(m => m.Name), Is.EqualTo(new[] { "b", "c", "d" }));
        Assert.That(inbound.Params["rewind"], Is.EqualTo("2"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4d_an_invalid_channel_name_fails_the_channel_with_40010_and_the_connection_stays_up(string format)
    {
        var client = await ConnectedClient(format);
        var invalid = client.Channels.Get(":hell");
        var failed = Assert.ThrowsAsync<AblyException>(async () => await invalid.AttachAsync().WaitAsync(Wait));
        Assert.That(failed!.ErrorInfo.Code, Is.EqualTo(40010));
        Assert.That(invalid.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(invalid.ErrorReason?.Code, Is.EqualTo(40010));

        // RTL6b: publishing there without attaching is refused the same way; the connection carries on.
        var unattached = client.Channels.Get(":also-invalid");
        var nacked = Assert.ThrowsAsync<AblyException>(async () => await unattached.PublishAsync("n", "d").WaitAsync(Wait));
        Assert.That(nacked!.ErrorInfo.Code, Is.EqualTo(40010));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        var valid = client.Channels.Get(UniqueChannel("valid"));
        await valid.AttachAsync().WaitAsync(Wait);

        // Names the client can tell are invalid never reach the server.
        var empty = Assert.Throws<AblyException>(() => client.Channels.Get(string.Empty));
        Assert.That(empty!.ErrorInfo.Code, Is.EqualTo(40010));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4m_a_capability_limits_the_granted_modes_and_the_operations(string format)
    {
        var app = Emulator.CreateApp("{\"sub:*\":[\"subscribe\"],\"pub:*\":[\"publish\",\"presence\"]}");
        var client = await ConnectedClient(format, o => o with { Key = app.DefaultKey, ClientId = "capped" });

        var subscribeOnly = client.Channels.Get("sub:" + UniqueChannel("x"));
        await subscribeOnly.AttachAsync().WaitAsync(Wait);
        Assert.That(subscribeOnly.Modes, Is.EqualTo(ChannelModes.Subscribe | ChannelModes.PresenceSubscribe));
        var publish = Assert.ThrowsAsync<AblyException>(async () => await subscribeOnly.PublishAsync("n", "d").WaitAsync(Wait));
        Assert.That(publish!.ErrorInfo.Code, Is.EqualTo(40160));
        var enter = Assert.ThrowsAsync<AblyException>(async () => await subscribeOnly.Presence.EnterAsync().WaitAsync(Wait));
        Assert.That(enter!.ErrorInfo.Code, Is.EqualTo(40160));

        var publishOnly = client.Channels.Get("pub:" + UniqueChannel("y"));
        await publishOnly.AttachAsync().WaitAsync(Wait);
        Assert.That(publishOnly.Modes, Is.EqualTo(ChannelModes.Publish | ChannelModes.Presence));
        await publishOnly.PublishAsync("n", "d").WaitAsync(Wait);
        await publishOnly.Presence.EnterAsync().WaitAsync(Wait);

        var forbidden = client.Channels.Get(UniqueChannel("elsewhere"));
        var attach = Assert.ThrowsAsync<AblyException>(async () => await forbidden.AttachAsync().WaitAsync(Wait));
        Assert.That(attach!.ErrorInfo.Code, Is.EqualTo(40160));
        Assert.That(forbidden.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
