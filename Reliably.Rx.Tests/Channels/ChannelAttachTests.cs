using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>Attach and detach in virtual time (RTL4, RTL5, RTL13, RTL16a).</summary>
[TestFixture]
public sealed class ChannelAttachTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task RTL4c_attach_sends_ATTACH_and_completes_on_ATTACHED_with_state_changes()
    {
        await using var c = new ChannelHarness();
        var attach = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1));
        Assert.That(attach.IsCompleted, Is.False);

        c.Receive(c.Attached("serial-7", ProtocolFlags.Publish | ProtocolFlags.Subscribe | ProtocolFlags.HasBacklog));
        Assert.That(attach.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Changes.First().Current, Is.EqualTo(ChannelState.Initialized), "the current state first");
        Assert.That(c.Entered, Is.EqualTo(new[] { ChannelState.Attaching, ChannelState.Attached }));
        var attached = c.Changes.Last();
        Assert.That(attached.Previous, Is.EqualTo(ChannelState.Attaching));
        Assert.That(attached.Resumed, Is.False, "RTL2f: the first attach is not resumed");
        Assert.That(attached.HasBacklog, Is.True, "RTL2i");
        Assert.That(c.Channel.AttachSerial, Is.EqualTo("serial-7"), "RTL15c");
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("serial-7"), "RTL15b");
        Assert.That(c.Channel.Modes, Is.EqualTo(ChannelModes.Publish | ChannelModes.Subscribe), "RTL4m");
        Assert.That(c.Discontinuities, Is.Empty);
    }

    [Test]
    public async Task RTL4k_RTL4l_params_and_modes_are_sent_and_RTL4k1_granted_params_exposed()
    {
        var options = new ChannelOptions
        {
            Params = new Dictionary<string, string> { ["rewind"] = "1", ["delta"] = "vcdiff" },
            Modes = ChannelModes.Subscribe | ChannelModes.Presence,
        };
        await using var c = new ChannelHarness(options: options);
        _ = c.Channel.AttachAsync();
        c.Pump();
        var attach = c.Sent(ProtocolAction.Attach).Single();
        Assert.That(attach.Params, Is.EquivalentTo(options.Params));
        Assert.That(attach.Flags, Is.EqualTo(ProtocolFlags.Subscribe | ProtocolFlags.Presence));

        var reply = c.Attached(flags: ProtocolFlags.Subscribe);
        reply.Params = new Dictionary<string, string> { ["rewind"] = "1" };
        c.Receive(reply);
        Assert.That(c.Channel.Params, Is.EquivalentTo(new Dictionary<string, string> { ["rewind"] = "1" }));
        Assert.That(c.Channel.Modes, Is.EqualTo(ChannelModes.Subscribe));
    }

    [Test]
    public async Task RTL4h_attach_while_attaching_shares_the_pending_attach()
    {
        await using var c = new ChannelHarness();
        var first = c.Channel.AttachAsync();
        var second = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1));
        c.Receive(c.Attached());
        Assert.That(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully, Is.True);
        Assert.That((await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully)), Is.True);
    }

    [Test]
    public async Task RTL4h_attach_while_detaching_waits_for_DETACHED_then_attaches()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var detach = c.Channel.DetachAsync();
        c.Pump();
        var attach = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1), "no ATTACH while detaching");

        c.Receive(c.Detached());
        Assert.That(detach.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(2));
        c.Receive(c.Attached());
        Assert.That(attach.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Entered, Is.EqualTo(new[] { ChannelState.Attaching, ChannelState.Attached, ChannelState.Detaching, ChannelState.Detached, ChannelState.Attaching, ChannelState.Attached }));
    }

    [Test]
    public async Task RTL5i_detach_while_attaching_detaches_after_ATTACHED()
    {
        await using var c = new ChannelHarness();
        var attach = c.Channel.AttachAsync();
        c.Pump();
        var detach = c.Channel.DetachAsync();
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Detach), Is.Empty);
        c.Receive(c.Attached());
        Assert.That(attach.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detaching));
        Assert.That(c.Sent(ProtocolAction.Detach).Count(), Is.EqualTo(1));
        c.Receive(c.Detached());
        Assert.That(detach.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detached));
    }

    [Test]
    public async Task RTL4f_RTL13b_attach_timeout_goes_SUSPENDED_and_retries_with_backoff_at_exact_virtual_times()
    {
        await using var c = new ChannelHarness();
        var times = new List<long>();
        c.Transport.FailSend = m =>
        {
            if (m.Action == ProtocolAction.Attach)
            {
                times.Add(c.H.Scheduler.Clock);
            }

            return null;
        };
        var attach = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(times, Has.Count.EqualTo(1));
        var t0 = times[0];

        c.H.Scheduler.AdvanceTo(t0 + RequestTimeout.Ticks - 1);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        c.H.Scheduler.AdvanceTo(t0 + RequestTimeout.Ticks);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Suspended), "RTL4f");
        Assert.That(c.Channel.ErrorReason?.Code, Is.EqualTo(ErrorCodes.ChannelOperationTimeout));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await attach);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ChannelOperationTimeout));

        // RTL13b with RTB1: channelRetryTimeout (15 s) × 1, then × 4/3 (jitter pinned to 1).
        c.H.Scheduler.AdvanceTo(t0 + TimeSpan.FromSeconds(60).Ticks);
        var expected = new[]
        {
            t0,
            t0 + TimeSpan.FromSeconds(10 + 15).Ticks,
            t0 + TimeSpan.FromSeconds(10 + 15 + 10 + 20).Ticks,
        };
        Assert.That(times, Is.EqualTo(expected));
        Assert.That(c.Sent(ProtocolAction.Attach).Last().ChannelSerial, Is.Null);

        // An ATTACHED ends the retries and resets the backoff.
        c.Receive(c.Attached());
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        c.Advance(TimeSpan.FromMinutes(5));
        Assert.That(times, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task RTL5f_detach_timeout_returns_to_the_previous_state()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var detach = c.Channel.DetachAsync();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detaching));
        c.Advance(RequestTimeout);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await detach);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ChannelOperationTimeout));
        Assert.That(c.Channel.ErrorReason?.Code, Is.EqualTo(ErrorCodes.ChannelOperationTimeout));
    }

    [Test]
    public async Task RTL5a_RTL5b_RTL5j_detach_from_initialized_failed_and_suspended()
    {
        await using var c = new ChannelHarness();
        var fromInitialized = c.Channel.DetachAsync();
        c.Pump();
        Assert.That(fromInitialized.IsCompletedSuccessfully, Is.True, "RTL5a");
        Assert.That(c.Sent(ProtocolAction.Detach), Is.Empty);

        _ = c.Channel.AttachAsync();
        c.Pump();
        c.Advance(RequestTimeout);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Suspended));
        var fromSuspended = c.Channel.DetachAsync();
        c.Pump();
        Assert.That(fromSuspended.IsCompletedSuccessfully, Is.True, "RTL5j");
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(c.Sent(ProtocolAction.Detach), Is.Empty);

        _ = c.Channel.AttachAsync();
        c.Pump();
        c.Receive(new ProtocolMessage(ProtocolAction.Error, c.Name) { Error = new ErrorInfo(40160, 401, "denied") });
        var detachFailed = c.Channel.DetachAsync();
        c.Pump();
        var ex = Assert.ThrowsAsync<AblyException>(async () => await detachFailed);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailedInvalidState), "RTL5b");
    }

    [Test]
    public async Task RTL5k_ATTACHED_while_DETACHING_or_DETACHED_sends_DETACH_again()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        _ = c.Channel.DetachAsync();
        c.Pump();
        c.Receive(c.Attached());
        Assert.That(c.Sent(ProtocolAction.Detach).Count(), Is.EqualTo(2), "while DETACHING");
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detaching));

        c.Receive(c.Detached());
        c.Receive(c.Attached());
        Assert.That(c.Sent(ProtocolAction.Detach).Count(), Is.EqualTo(3), "while DETACHED");
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detaching), "RTL5k: DETACHING again until the server confirms");

        c.Receive(c.Detached());
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detached));
    }

    [Test]
    public async Task RTL13a_server_DETACHED_reattaches_at_once_and_RTL13b_a_failed_reattach_suspends_and_retries()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow("serial-1");
        c.Receive(c.MessageFrame("m1", "serial-2", new Message("n", "d")));
        var detachedError = new ErrorInfo(90198, 500, "detached by server");
        c.Receive(c.Detached(detachedError));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching), "RTL13a");
        Assert.That(c.Changes.Last().Reason, Is.EqualTo(detachedError));
        var reattach = c.Sent(ProtocolAction.Attach).Last();
        Assert.That(reattach.ChannelSerial, Is.EqualTo("serial-2"), "RTL4c1: the stored channelSerial");

        var start = c.H.Scheduler.Clock;
        c.Receive(c.Detached(detachedError));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Suspended), "RTL13b");
        var attaches = c.Sent(ProtocolAction.Attach).Count();
        c.H.Scheduler.AdvanceTo(start + TimeSpan.FromSeconds(15).Ticks - 10);
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(attaches));
        c.H.Scheduler.AdvanceTo(start + TimeSpan.FromSeconds(15).Ticks + 10);
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(attaches + 1));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));

        c.Receive(c.Attached("serial-3", ProtocolFlags.Resumed));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(c.Discontinuities, Is.Empty, "resumed: continuity kept");
    }

    [Test]
    public async Task RTL14_channel_ERROR_fails_the_channel_with_its_reason_and_the_pending_attach()
    {
        await using var c = new ChannelHarness();
        var attach = c.Channel.AttachAsync();
        c.Pump();
        var error = new ErrorInfo(40160, 401, "capability");
        c.Receive(new ProtocolMessage(ProtocolAction.Error, c.Name) { Error = error });
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(c.Channel.ErrorReason, Is.EqualTo(error));
        Assert.That(c.Changes.Last().Reason, Is.EqualTo(error));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await attach);
        Assert.That(ex!.Code, Is.EqualTo(40160));

        // RTL4g: attaching again from FAILED is allowed and clears the reason once attached.
        var again = c.Channel.AttachAsync();
        c.Pump();
        c.Receive(c.Attached());
        Assert.That(again.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Channel.ErrorReason, Is.Null);
    }

    [Test]
    public async Task RTL16a_new_params_on_an_attached_channel_reattach_with_them()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var reattach = c.Channel.SetOptionsAsync(new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "5" } });
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(c.Sent(ProtocolAction.Attach).Last().Params!["rewind"], Is.EqualTo("5"));
        Assert.That(reattach.IsCompleted, Is.False, "RTL16a: completes on ATTACHED");
        c.Receive(c.Attached(flags: ProtocolFlags.Resumed));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        await reattach;

        // Only a cipher change: no re-attach.
        var count = c.Sent(ProtocolAction.Attach).Count();
        await c.Channel.SetOptionsAsync(c.Channel.Options with { AutoBackfill = true });
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(count));
    }

    [Test]
    public async Task RTL4i_attach_while_the_connection_is_connecting_sends_ATTACH_on_CONNECTED()
    {
        await using var c = new ChannelHarness(connect: false);
        var attach = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        c.H.Connection.Connect();
        c.Pump();
        c.Transport = c.H.Transport;
        Assert.That(c.Sent(ProtocolAction.Attach), Is.Empty);
        c.Transport.Connected(details: ChannelHarness.QuietDetails);
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1));
        c.Receive(c.Attached());
        Assert.That(attach.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task RTL4b_attach_fails_on_a_failed_closed_or_suspended_connection()
    {
        await using var c = new ChannelHarness();
        c.Transport.Receive(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40101, 401, "bad") });
        c.Pump();
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Failed));
        var attach = c.Channel.AttachAsync();
        c.Pump();
        var ex = Assert.ThrowsAsync<AblyException>(async () => await attach);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ConnectionFailed));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Initialized));
    }

    [Test]
    public async Task RTL5l_detach_while_attaching_on_a_connecting_connection_detaches_at_once()
    {
        await using var c = new ChannelHarness(connect: false);
        c.H.Connection.Connect();
        c.Pump();
        var attach = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        var detach = c.Channel.DetachAsync();
        c.Pump();
        Assert.That(detach.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(attach.IsFaulted, Is.True, "the superseded attach fails");
        c.H.Transport.Connected(details: ChannelHarness.QuietDetails);
        c.Pump();
        Assert.That(c.H.Transport.SentOf(ProtocolAction.Attach).Concat(c.H.Transport.SentOf(ProtocolAction.Detach)), Is.Empty);
    }
}
