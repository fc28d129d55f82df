using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_additional_attached.md (RTL12): an ATTACHED while attached.</summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_additional_attached.md")]
public sealed class ChannelAdditionalAttachedTests
{
    // UTS: realtime/unit/RTL12/update-emits-with-error-0
    [Test]
    public async Task RTL12_AdditionalAttachedWithResumedFalseEmitsUpdateWithError()
    {
        await using var f = ChannelFixture.Attached("test-RTL12-update");
        var updateEvents = f.Channel.Record(ChannelEvent.Update);

        // Loss of continuity after a transport resume: ATTACHED without RESUMED, with an error.
        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name, error: new ErrorInfo(50000, 500, "generic serverside failure")));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents, Has.Count.EqualTo(1));
        Assert.That(updateEvents[0].Event, Is.EqualTo(ChannelEvent.Update));
        Assert.That(updateEvents[0].Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents[0].Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents[0].Resumed, Is.False);
        Assert.That(updateEvents[0].Reason!.Code, Is.EqualTo(50000));
    }

    // UTS: realtime/unit/RTL12/resumed-no-update-1
    [Test]
    public async Task RTL12_AdditionalAttachedWithResumedTrueDoesNotEmitUpdate()
    {
        await using var f = ChannelFixture.Attached("test-RTL12-no-update");
        var updateEvents = f.Channel.Record(ChannelEvent.Update);

        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name, flags: Flags.Resumed));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents, Is.Empty);
    }

    // UTS: realtime/unit/RTL12/no-error-null-reason-2
    [Test]
    public async Task RTL12_AdditionalAttachedWithoutErrorHasNullReason()
    {
        await using var f = ChannelFixture.Attached("test-RTL12-no-error");
        var updateEvents = f.Channel.Record(ChannelEvent.Update);

        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents, Has.Count.EqualTo(1));
        Assert.That(updateEvents[0].Resumed, Is.False);
        Assert.That(updateEvents[0].Reason, Is.Null);
    }
}
