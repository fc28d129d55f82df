using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Channels;

/// <summary>uts/realtime/integration/channels/channel_attach_test.md (RTL4c, RTL5d, RTL14): attach, detach and capability errors.</summary>
[TestFixture]
[Category("uts/realtime/integration/channels/channel_attach_test.md")]
public sealed class ChannelAttachTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTL4c/attach-succeeds-0
    [Test]
    public async Task RTL4c_AttachSucceeds()
    {
        var client = await ConnectedAsync();
        var channel = client.Channels.Get(UniqueChannel("attach-RTL4c"));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));

        await channel.AttachAsync().WaitAsync(Wait);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channel.ErrorReason, Is.Null);
    }

    // UTS: realtime/integration/RTL5d/detach-succeeds-0
    [Test]
    public async Task RTL5d_DetachSucceeds()
    {
        var client = await ConnectedAsync();
        var channel = client.Channels.Get(UniqueChannel("detach-RTL5d"));
        await channel.AttachAsync().WaitAsync(Wait);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));

        await channel.DetachAsync().WaitAsync(Wait);

        Assert.That(channel.State, Is.EqualTo(ChannelState.Detached));
    }

    // UTS: realtime/integration/RTL14/insufficient-capability-failed-0
    [Test]
    public async Task RTL14_InsufficientCapabilityCausesChannelFailed()
    {
        var subscribeOnlyKey = App.Keys[3].KeyString;
        var client = await ConnectedAsync(o => o with { Key = subscribeOnlyKey });
        var channel = client.Channels.Get(UniqueChannel("publish-not-allowed"));

        await channel.AttachAsync().WaitAsync(Wait);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));

        var error = Assert.ThrowsAsync<AblyException>(async () => await channel.PublishAsync("test", "data").WaitAsync(Wait));

        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Code, Is.EqualTo(40160));
        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected), "a channel-scoped error");
    }
}
