using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// The attach state machine as a component (RTL3, RTL4, RTL5, RTL12, RTL13, RTL14), with the detach, request, retry
/// and trace parts it owns; driven on a virtual-time loop without a channel.
/// </summary>
[TestFixture]
public sealed class ChannelAttachmentTests
{
    private ChannelComponentsRig _rig = null!;

    [SetUp]
    public void SetUp() => _rig = new ChannelComponentsRig(recoveredSerial: "recovered-1");

    [TearDown]
    public async Task TearDown() => await _rig.DisposeAsync();

    private static TimeSpan Timeout => TimeSpan.FromSeconds(10);

    [Test]
    public void RTL4_an_attach_sends_ATTACH_with_position_params_and_modes_and_completes_on_ATTACHED()
    {
        _rig.Options = new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1" }, Modes = ChannelModes.Subscribe };
        var waiter = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(waiter));

        var attach = _rig.Sent(ProtocolAction.Attach).Single();
        Assert.That(attach.ChannelSerial, Is.EqualTo("recovered-1"), "RTL4c1 (RTN16j)");
        Assert.That(attach.Params!["rewind"], Is.EqualTo("1"), "RTL4k");
        Assert.That(attach.Flags, Is.EqualTo(ProtocolFlags.Subscribe), "RTL4l");
        Assert.That(waiter.Task.IsCompleted, Is.False);

        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached("a-1")));
        Assert.That(waiter.Task.IsCompletedSuccessfully, Is.True);
        Assert.That(_rig.Entered, Is.EqualTo(new[] { ChannelState.Attaching, ChannelState.Attached }));
        Assert.That(_rig.Position.AttachSerial, Is.EqualTo("a-1"));
    }

    [Test]
    public void RTL4h_a_second_attach_joins_the_pending_one_and_sends_nothing_more()
    {
        var first = ChannelComponentsRig.Waiter();
        var second = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(first));
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(second));
        Assert.That(_rig.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1));

        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached()));
        Assert.That(first.Task.IsCompletedSuccessfully && second.Task.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void RTL4f_then_RTL13b_no_ATTACHED_in_time_suspends_then_retries_after_the_backoff()
    {
        var waiter = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(waiter));
        _rig.Advance(Timeout);
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Suspended));
        Assert.That(((AblyException)waiter.Task.Exception!.InnerException!).ErrorInfo.Code, Is.EqualTo(ErrorCodes.ChannelOperationTimeout));

        // The harness's random source gives no jitter: the first retry comes channelRetryTimeout (15 s) later.
        _rig.Advance(TimeSpan.FromSeconds(14.9));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Suspended));
        _rig.Advance(TimeSpan.FromSeconds(0.2));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Attaching));
        Assert.That(_rig.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(2));
    }

    [Test]
    public void RTL5i_a_detach_asked_while_attaching_runs_once_ATTACHED_arrives()
    {
        var detached = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(null));
        _rig.OnLoop(() => _rig.Attachment.BeginDetach(detached));
        Assert.That(_rig.Sent(ProtocolAction.Detach), Is.Empty);

        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached()));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Detaching));
        Assert.That(_rig.Sent(ProtocolAction.Detach).Count(), Is.EqualTo(1));

        _rig.OnLoop(() => _rig.Attachment.OnDetached(ChannelComponentsRig.Detached()));
        Assert.That(detached.Task.IsCompletedSuccessfully, Is.True);
        Assert.That(_rig.Entered, Is.EqualTo(new[] { ChannelState.Attaching, ChannelState.Attached, ChannelState.Detaching, ChannelState.Detached }));
        Assert.That(_rig.Position.ChannelSerial, Is.Null, "RTL15b2");
    }

    [Test]
    public void RTL5f_no_DETACHED_in_time_returns_to_the_previous_state_and_RTL4h_an_attach_waiting_for_it_completes()
    {
        _rig.AttachNow();
        var detached = ChannelComponentsRig.Waiter();
        var attached = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginDetach(detached));
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(attached));
        _rig.Advance(Timeout);

        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Attached));
        Assert.That(((AblyException)detached.Task.Exception!.InnerException!).ErrorInfo.Code, Is.EqualTo(ErrorCodes.ChannelOperationTimeout));
        Assert.That(attached.Task.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void RTL4h_an_attach_asked_while_detaching_starts_once_DETACHED_arrives()
    {
        _rig.AttachNow();
        _rig.OnLoop(() => _rig.Attachment.BeginDetach(ChannelComponentsRig.Waiter()));
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(null));
        _rig.OnLoop(() => _rig.Attachment.OnDetached(ChannelComponentsRig.Detached()));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Attaching));
        Assert.That(_rig.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(2));
    }

    [Test]
    public void RTL5k_an_ATTACHED_while_detached_is_answered_with_DETACH()
    {
        _rig.AttachNow();
        _rig.OnLoop(() => _rig.Attachment.BeginDetach(ChannelComponentsRig.Waiter()));
        _rig.OnLoop(() => _rig.Attachment.OnDetached(ChannelComponentsRig.Detached()));
        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached("a-2")));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Detaching));
        Assert.That(_rig.Sent(ProtocolAction.Detach).Count(), Is.EqualTo(2));
    }

    [Test]
    public void RTL12_an_ATTACHED_without_RESUMED_while_attached_is_an_UPDATE_and_a_discontinuity()
    {
        _rig.AttachNow();
        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached("a-2")));
        Assert.That(_rig.Changes.Last().Event, Is.EqualTo(ChannelEvent.Update));
        Assert.That(_rig.Seen.OfType<DiscontinuityNotification>().Single().Discontinuity.Kind, Is.EqualTo(DiscontinuityKind.Update));

        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached("a-3", ProtocolFlags.Resumed)));
        Assert.That(_rig.Seen.OfType<DiscontinuityNotification>().Count(), Is.EqualTo(1), "a resumed ATTACHED continues");
    }

    [Test]
    public void RTL13a_an_unsolicited_DETACHED_re_attaches_at_once_with_the_error()
    {
        _rig.AttachNow();
        var error = new ErrorInfo(90198, 500, "gone");
        _rig.OnLoop(() => _rig.Attachment.OnDetached(ChannelComponentsRig.Detached(error)));
        var change = _rig.Changes.Last();
        Assert.That((change.Current, change.Reason?.Code), Is.EqualTo((ChannelState.Attaching, (int?)90198)));
        Assert.That(_rig.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(2));
    }

    [Test]
    public void RTL14_an_error_fails_the_channel_and_its_waiters_and_RTL4g_an_attach_clears_the_reason()
    {
        var waiter = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(waiter));
        _rig.OnLoop(() => _rig.Attachment.Fail(new ErrorInfo(40160, 401, "denied")));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Failed));
        Assert.That(_rig.Tracker.ErrorReason!.Code, Is.EqualTo(40160));
        Assert.That(((AblyException)waiter.Task.Exception!.InnerException!).ErrorInfo.Code, Is.EqualTo(40160));

        _rig.OnLoop(() => _rig.Attachment.BeginAttach(null));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Attaching));
        Assert.That(_rig.Tracker.ErrorReason, Is.Null);
    }

    [Test]
    public void RTL3c_a_suspended_connection_suspends_the_channel_without_a_retry_and_RTL3d_CONNECTED_re_attaches()
    {
        _rig.AttachNow();
        var suspended = new ConnectionStateChange(ConnectionState.Disconnected, ConnectionState.Suspended, ConnectionEvent.Suspended);
        _rig.OnLoop(() => _rig.Attachment.OnConnectionStateChanged(suspended, resumed: false));
        _rig.Advance(TimeSpan.FromMinutes(1));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Suspended));
        Assert.That(_rig.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1));

        var connected = new ConnectionStateChange(ConnectionState.Connecting, ConnectionState.Connected, ConnectionEvent.Connected);
        _rig.OnLoop(() => _rig.Attachment.OnConnectionStateChanged(connected, resumed: false));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Attaching));
        _rig.OnLoop(() => _rig.Attachment.OnAttached(ChannelComponentsRig.Attached("a-2")));
        Assert.That(_rig.Seen.OfType<DiscontinuityNotification>().Single().Discontinuity.Kind, Is.EqualTo(DiscontinuityKind.AttachNotResumed));
    }

    [Test]
    public void RTL3b_a_closed_connection_detaches_and_fails_a_pending_attach_and_a_release_fails_every_waiter()
    {
        var attaching = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(attaching));
        var closed = new ConnectionStateChange(ConnectionState.Closing, ConnectionState.Closed, ConnectionEvent.Closed);
        _rig.OnLoop(() => _rig.Attachment.OnConnectionStateChanged(closed, resumed: false));
        Assert.That(_rig.Tracker.Published, Is.EqualTo(ChannelState.Detached));
        Assert.That(((AblyException)attaching.Task.Exception!.InnerException!).ErrorInfo.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));

        _rig.IsReleased = true;
        var released = ChannelComponentsRig.Waiter();
        _rig.OnLoop(() => _rig.Attachment.BeginAttach(released));
        Assert.That(((AblyException)released.Task.Exception!.InnerException!).ErrorInfo.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailedInvalidState));
    }
}
