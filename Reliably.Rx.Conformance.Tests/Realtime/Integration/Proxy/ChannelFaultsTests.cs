using System.Reactive.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Proxy;

/// <summary>
/// uts/realtime/integration/proxy/channel_faults.md (RTL4f, RTL5f, RTL13a, RTL14, RTL12, RTL3d): channel frames
/// suppressed, replaced or injected by the emulator, with real timers.
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/proxy/channel_faults.md")]
public sealed class ChannelFaultsTests : EmulatorSandbox
{
    private const int Attach = 10;
    private const int Attached = 11;
    private const int Detach = 12;

    // UTS: realtime/proxy/RTL4f/attach-timeout-suppressed-0
    [Test]
    [Adapted("the proxy log's ruleMatched mark is the emulator's record of the ATTACH as received while no ATTACHED was ever sent for the channel")]
    public async Task RTL4f_AttachTimeoutWhenServerDoesNotRespond()
    {
        var channelName = UniqueChannel("test-RTL4f");
        Emulator.Faults.SuppressFrames(EmulatorFrameDirection.Inbound, Attach, channel: channelName);
        var client = Realtime(SandboxOptions() with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(3000) });
        var channel = client.Channels.Get(channelName);
        using var channelStateChanges = RecordLaterStates(channel);
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);

        var attachFuture = channel.AttachAsync();
        await channelStateChanges.WaitForAsync(ChannelState.Attaching, TimeSpan.FromSeconds(5) + Wait);
        await AwaitStateAsync(channel, ChannelState.Suspended, TimeSpan.FromSeconds(15) + Wait);
        var error = Assert.ThrowsAsync<AblyException>(async () => await attachFuture.WaitAsync(Wait));

        Assert.That(channel.State, Is.EqualTo(ChannelState.Suspended));
        Assert.That(error, Is.Not.Null);
        Assert.That(channelStateChanges.ContainsInOrder(ChannelState.Attaching, ChannelState.Suspended), Is.True, string.Join(", ", channelStateChanges.States));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        var id = IdOf(client);
        Assert.That(FramesOf(id, EmulatorFrameDirection.Inbound, Attach).Where(f => f.Value<string>("channel") == channelName), Is.Not.Empty);
        Assert.That(FramesOf(id, EmulatorFrameDirection.Outbound, Attached).Where(f => f.Value<string>("channel") == channelName), Is.Empty, "every ATTACH was swallowed");
    }

    // UTS: realtime/proxy/RTL14/error-on-attach-0
    [Test]
    public async Task RTL14_ServerRespondsWithErrorToAttach()
    {
        var channelName = UniqueChannel("test-RTL14-error-on-attach");
        Emulator.Faults.ReplaceFrames(Attached, $$$"""{"action":9,"channel":"{{{channelName}}}","error":{"code":40160,"statusCode":403,"message":"Not permitted"}}""", count: 1, channel: channelName);
        var client = Realtime(SandboxOptions());
        var channel = client.Channels.Get(channelName);
        using var channelStateChanges = RecordLaterStates(channel);
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);

        var error = Assert.ThrowsAsync<AblyException>(async () => await channel.AttachAsync().WaitAsync(Wait));
        await AwaitStateAsync(channel, ChannelState.Failed, TimeSpan.FromSeconds(10) + Wait);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(channel.ErrorReason?.Code, Is.EqualTo(40160));
        Assert.That(channel.ErrorReason?.StatusCode, Is.EqualTo(403));
        Assert.That(error?.Code, Is.EqualTo(40160));
        await channelStateChanges.WaitForAsync(ChannelState.Failed, Wait);
        Assert.That(channelStateChanges.ContainsInOrder(ChannelState.Attaching, ChannelState.Failed), Is.True, string.Join(", ", channelStateChanges.States));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/proxy/RTL5f/detach-timeout-suppressed-0
    [Test]
    public async Task RTL5f_DetachTimeoutWhenServerDoesNotRespond()
    {
        var channelName = UniqueChannel("test-RTL5f");
        var client = Realtime(SandboxOptions() with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(3000) });
        var channel = client.Channels.Get(channelName);
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await channel.AttachAsync().WaitAsync(Wait);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        using var channelStateChanges = RecordLaterStates(channel);

        Emulator.Faults.SuppressFrames(EmulatorFrameDirection.Inbound, Detach, channel: channelName);
        var detachFuture = channel.DetachAsync();
        await channelStateChanges.WaitForAsync(ChannelState.Detaching, TimeSpan.FromSeconds(5) + Wait);
        await channelStateChanges.WaitForAsync(ChannelState.Attached, TimeSpan.FromSeconds(15) + Wait);
        var error = Assert.ThrowsAsync<AblyException>(async () => await detachFuture.WaitAsync(Wait));

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(error, Is.Not.Null);
        Assert.That(channelStateChanges.ContainsInOrder(ChannelState.Detaching, ChannelState.Attached), Is.True, string.Join(", ", channelStateChanges.States));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/proxy/RTL13a/unsolicited-detach-reattach-0
    [Test]
    public async Task RTL13a_UnsolicitedDetachedMakesTheChannelReattach()
    {
        var (client, channel, channelName) = await AttachedChannelAsync("test-RTL13a");
        using var channelStateChanges = RecordLaterStates(channel);

        Emulator.Faults.SendFrame(IdOf(client), $$$"""{"action":13,"channel":"{{{channelName}}}","error":{"code":90198,"statusCode":500,"message":"Channel detached by server"}}""");
        await channelStateChanges.WaitForAsync(ChannelState.Attached, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelStateChanges.ContainsInOrder(ChannelState.Attaching, ChannelState.Attached), Is.True, string.Join(", ", channelStateChanges.States));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(FramesOf(IdOf(client), EmulatorFrameDirection.Inbound, Attach).Count(f => f.Value<string>("channel") == channelName), Is.GreaterThanOrEqualTo(2));
    }

    // UTS: realtime/proxy/RTL14/channel-error-goes-failed-1
    [Test]
    public async Task RTL14_ChannelErrorMakesTheChannelFailed()
    {
        var (client, channel, channelName) = await AttachedChannelAsync("test-RTL14");
        using var channelStateChanges = RecordLaterStates(channel);

        Emulator.Faults.SendFrame(IdOf(client), $$$"""{"action":9,"channel":"{{{channelName}}}","error":{"code":40160,"statusCode":403,"message":"Not permitted"}}""");
        await AwaitStateAsync(channel, ChannelState.Failed, TimeSpan.FromSeconds(10) + Wait);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(channel.ErrorReason?.Code, Is.EqualTo(40160));
        Assert.That(channel.ErrorReason?.StatusCode, Is.EqualTo(403));
        Assert.That(channel.ErrorReason?.Message, Does.Contain("Not permitted"));
        await channelStateChanges.WaitForAsync(ChannelState.Failed, Wait);
        Assert.That(channelStateChanges.States, Is.EqualTo(new[] { ChannelState.Failed }));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/proxy/RTL12/attached-non-resumed-update-0
    [Test]
    public async Task RTL12_AttachedWithoutResumedOnAnAttachedChannelIsAnUpdate()
    {
        var (client, channel, channelName) = await AttachedChannelAsync("test-RTL12");
        var updateEvents = new Collector<ChannelStateChange>();
        var attachedEvents = new Collector<ChannelStateChange>();
        var later = channel.StateChanges.Skip(1);
        using var updates = later.Where(c => c.Event == ChannelEvent.Update).Subscribe(updateEvents);
        using var attacheds = later.Where(c => c.Event == ChannelEvent.Attached).Subscribe(attachedEvents);

        Emulator.Faults.SendFrame(IdOf(client), $$$"""{"action":11,"channel":"{{{channelName}}}","flags":0,"error":{"code":91001,"statusCode":500,"message":"Continuity lost"}}""");
        await updateEvents.WaitForAsync(1, TimeSpan.FromSeconds(10) + Wait);
        await FlushAsync(client);

        Assert.That(updateEvents.Items, Has.Count.EqualTo(1));
        var update = updateEvents.Items[0];
        Assert.That(update.Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(update.Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(update.Resumed, Is.False);
        Assert.That(update.Reason?.Code, Is.EqualTo(91001));
        Assert.That(update.Reason?.StatusCode, Is.EqualTo(500));
        Assert.That(update.Reason?.Message, Does.Contain("Continuity lost"));
        Assert.That(attachedEvents.Items, Is.Empty, "RTL2g: no ATTACHED event");
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/proxy/RTL3d/channels-reattach-on-reconnect-0
    [Test]
    public async Task RTL3d_ChannelsReattachAfterConnectionRecovery()
    {
        var client = Realtime(SandboxOptions());
        var channelAName = UniqueChannel("test-RTL3d-a");
        var channelBName = UniqueChannel("test-RTL3d-b");
        var channelA = client.Channels.Get(channelAName);
        var channelB = client.Channels.Get(channelBName);
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await channelA.AttachAsync().WaitAsync(Wait);
        await channelB.AttachAsync().WaitAsync(Wait);
        Assert.That(channelA.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelB.State, Is.EqualTo(ChannelState.Attached));
        using var channelAStateChanges = RecordLaterStates(channelA);
        using var channelBStateChanges = RecordLaterStates(channelB);
        using var connectionStates = RecordLaterStates(client.Connection);
        var connectionId = IdOf(client);

        Emulator.Faults.CloseConnection(connectionId);
        await connectionStates.WaitForAsync(ConnectionState.Disconnected, TimeSpan.FromSeconds(10) + Wait);
        await connectionStates.WaitForAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30) + Wait);
        await channelAStateChanges.WaitForAsync(ChannelState.Attached, TimeSpan.FromSeconds(15) + Wait);
        await channelBStateChanges.WaitForAsync(ChannelState.Attached, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(channelA.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelB.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelAStateChanges.ContainsInOrder(ChannelState.Attaching, ChannelState.Attached), Is.True, string.Join(", ", channelAStateChanges.States));
        Assert.That(channelBStateChanges.ContainsInOrder(ChannelState.Attaching, ChannelState.Attached), Is.True, string.Join(", ", channelBStateChanges.States));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        var attachFrames = FramesOf(connectionId, EmulatorFrameDirection.Inbound, Attach);
        Assert.That(attachFrames.Count(f => f.Value<string>("channel") == channelAName), Is.GreaterThanOrEqualTo(2));
        Assert.That(attachFrames.Count(f => f.Value<string>("channel") == channelBName), Is.GreaterThanOrEqualTo(2));
    }

    private async Task<(AblyRealtime Client, RealtimeChannel Channel, string Name)> AttachedChannelAsync(string prefix)
    {
        var channelName = UniqueChannel(prefix);
        var client = Realtime(SandboxOptions());
        var channel = client.Channels.Get(channelName);
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await channel.AttachAsync().WaitAsync(Wait);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        return (client, channel, channelName);
    }
}
