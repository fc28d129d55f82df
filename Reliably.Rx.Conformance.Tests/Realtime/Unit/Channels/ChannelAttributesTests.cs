using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_attributes.md (RTL23, RTL24): the channel's name and errorReason.</summary>
/// <remarks>The specs' CONNECTED here carries the id "connection-id"; no assertion depends on it.</remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_attributes.md")]
public sealed class ChannelAttributesTests
{
    // UTS: realtime/unit/RTL23/name-attribute-0
    [Test]
    public async Task RTL23_RealtimeChannelNameAttribute()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        var channel = client.Channels.Get("my-channel");
        Assert.That(channel.Name, Is.EqualTo("my-channel"));

        var channel2 = client.Channels.Get("namespace:channel-name");
        Assert.That(channel2.Name, Is.EqualTo("namespace:channel-name"));
    }

    // UTS: realtime/unit/RTL24/error-reason-channel-error-0
    [Test]
    public async Task RTL24_ErrorReasonSetOnChannelError()
    {
        await using var f = ChannelFixture.Attached("test-RTL24-error");
        Assert.That(f.Channel.ErrorReason, Is.Null);

        f.Server.SendToClient(ProtocolFrame.ErrorFrame(new ErrorInfo(90001, 500, "Channel error occurred"), f.Channel.Name));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);

        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        Assert.That(f.Channel.ErrorReason!.Code, Is.EqualTo(90001));
        Assert.That(f.Channel.ErrorReason.StatusCode, Is.EqualTo(500));
        Assert.That(f.Channel.ErrorReason.Message, Is.EqualTo("Channel error occurred"));
    }

    // UTS: realtime/unit/RTL24/error-reason-attach-failure-1
    [Test]
    public async Task RTL24_ErrorReasonSetOnAttachFailure()
    {
        const string channelName = "test-RTL24-attach-fail";
        await using var f = ChannelFixture.Connected(channelName, (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                // Reject the attach with DETACHED and an error.
                c.Send(ProtocolFrame.Detached(channelName, new ErrorInfo(40160, 401, "Permission denied")));
            }
        });

        f.Scheduler.AwaitFailure(f.Channel.AttachAsync());

        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        Assert.That(f.Channel.ErrorReason!.Code, Is.EqualTo(40160));
        Assert.That(f.Channel.ErrorReason.StatusCode, Is.EqualTo(401));
    }

    // UTS: realtime/unit/RTL4c/error-cleared-on-attach-0
    [Test]
    public async Task RTL4c_RTL24_ErrorReasonClearedOnSuccessfulAttach()
    {
        const string channelName = "test-RTL24-clear-attach";
        var attachCount = 0;
        await using var f = ChannelFixture.Connected(channelName, (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attachCount++;
                c.Send(attachCount == 1
                    ? ProtocolFrame.Detached(channelName, new ErrorInfo(50000, 500, "Temporary error"))
                    : ProtocolFrame.Attached(channelName, flags: 0));
            }
        });

        f.Scheduler.AwaitFailure(f.Channel.AttachAsync());
        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        Assert.That(f.Channel.ErrorReason!.Code, Is.EqualTo(50000));

        f.Scheduler.Await(f.Channel.AttachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(f.Channel.ErrorReason, Is.Null);
    }

    // UTS: realtime/unit/RTL4c/error-cleared-preserved-detach-1
    [Test]
    public async Task RTL4c_RTL24_ErrorReasonClearedOnSuccessfulAttachPreservedThroughDetach()
    {
        await using var f = ChannelFixture.Attached("test-RTL24-clear-detach");

        // RTL14: ERROR puts the channel in FAILED with the error as errorReason.
        f.Server.SendToClient(ProtocolFrame.ErrorFrame(new ErrorInfo(90002, 500, "Channel error"), f.Channel.Name));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);
        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        Assert.That(f.Channel.ErrorReason!.Code, Is.EqualTo(90002));

        f.Scheduler.Await(f.Channel.AttachAsync());
        Assert.That(f.Channel.ErrorReason, Is.Null);

        f.Scheduler.Await(f.Channel.DetachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(f.Channel.ErrorReason, Is.Null);
    }
}
