using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_error.md (RTL14): a channel-scoped ERROR.</summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_error.md")]
public sealed class ChannelErrorTests
{
    private static readonly ErrorInfo NotPermitted = new(40160, 401, "Not permitted");

    // UTS: realtime/unit/RTL14/attached-to-failed-0
    [Test]
    public async Task RTL14_ChannelErrorTransitionsAttachedChannelToFailed()
    {
        await using var f = ChannelFixture.Attached("test-RTL14-attached");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        var channelStateChanges = f.Channel.Record();

        // For example a permission revoked.
        f.Server.SendToClient(ProtocolFrame.ErrorFrame(NotPermitted, f.Channel.Name));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ErrorReason, Is.Not.Null);
        Assert.That(f.Channel.ErrorReason!.Code, Is.EqualTo(40160));
        Assert.That(f.Channel.ErrorReason.StatusCode, Is.EqualTo(401));
        Assert.That(f.Channel.ErrorReason.Message, Does.Contain("Not permitted"));
        Assert.That(channelStateChanges, Has.Count.EqualTo(1));
        Assert.That(channelStateChanges[0].Current, Is.EqualTo(ChannelState.Failed));
        Assert.That(channelStateChanges[0].Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelStateChanges[0].Reason?.Code, Is.EqualTo(40160));
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Connected), "a channel ERROR does not close the connection");
    }

    // UTS: realtime/unit/RTL14/attaching-to-failed-1
    [Test]
    public async Task RTL14_ChannelErrorTransitionsAttachingChannelToFailed()
    {
        await using var f = ChannelFixture.Connected("test-RTL14-attaching", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.ErrorFrame(NotPermitted, msg.Channel));
            }
        });

        var error = f.Scheduler.AwaitFailure(f.Channel.AttachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ErrorReason?.Code, Is.EqualTo(40160));
        Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTL14/pending-detach-error-2
    [Test]
    public async Task RTL14_ChannelErrorCompletesPendingDetachWithError()
    {
        await using var f = ChannelFixture.Attached("test-RTL14-detaching", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(90198, 500, "Detach failed"), msg.Channel));
            }
        });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        var error = f.Scheduler.AwaitFailure(f.Channel.DetachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed), "not DETACHED");
        Assert.That(f.Channel.ErrorReason?.Code, Is.EqualTo(90198));
        Assert.That(error.Code, Is.EqualTo(90198));
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTL14/other-channels-unaffected-3
    [Test]
    public async Task RTL14_ChannelErrorDoesNotAffectOtherChannels()
    {
        await using var f = ChannelFixture.Attached("test-RTL14-a");
        var channelA = f.Channel;
        var channelB = f.Client.Channels.Get("test-RTL14-b");
        f.Scheduler.Await(channelB.AttachAsync());
        Assert.That(channelA.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelB.State, Is.EqualTo(ChannelState.Attached));

        f.Server.SendToClient(ProtocolFrame.ErrorFrame(NotPermitted, channelA.Name));
        f.Scheduler.AwaitState(channelA, ChannelState.Failed);

        Assert.That(channelA.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(channelA.ErrorReason, Is.Not.Null);
        Assert.That(channelB.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channelB.ErrorReason, Is.Null);
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTL14/cancels-pending-timers-4
    [Test]
    public async Task RTL14_ChannelErrorCancelsPendingTimers()
    {
        var attachCount = 0;
        await using var f = ChannelFixture.Connected(
            "test-RTL14-timers",
            (c, msg) =>
            {
                if (msg.Action == ProtocolAction.Attach && ++attachCount == 1)
                {
                    // Later ATTACHes are not answered.
                    c.Send(ProtocolFrame.Attached(msg.Channel!));
                }
            },
            o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(100), ChannelRetryTimeout = TimeSpan.FromMilliseconds(200) });

        f.Scheduler.Await(f.Channel.AttachAsync());
        Assert.That(attachCount, Is.EqualTo(1));

        // A server DETACHED: re-attach, which times out to SUSPENDED with a channel retry pending.
        f.Server.SendToClient(ProtocolFrame.Detached(f.Channel.Name, new ErrorInfo(90198, 500, "Detach")));
        f.Scheduler.AdvanceTime(150);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Suspended);

        // The ERROR arrives before the retry is due.
        f.Server.SendToClient(ProtocolFrame.ErrorFrame(NotPermitted, f.Channel.Name));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);
        var attachCountAfterError = attachCount;
        f.Scheduler.AdvanceTime(500);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed), "no retry was attempted");
        Assert.That(attachCount, Is.EqualTo(attachCountAfterError));
    }
}
