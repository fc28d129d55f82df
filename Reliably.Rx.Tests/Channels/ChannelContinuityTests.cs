using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>Connection effects, channelSerial and discontinuity detection in virtual time (RTL3, RTL4c1, RTL12, RTL15, RTN15c6/c7).</summary>
[TestFixture]
public sealed class ChannelContinuityTests
{
    [Test]
    public async Task RTL3a_connection_FAILED_fails_attached_channels()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var error = new ErrorInfo(40101, 401, "bad credentials");
        c.Receive(new ProtocolMessage(ProtocolAction.Error) { Error = error });
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(c.Channel.ErrorReason?.Code, Is.EqualTo(40101));
        Assert.That(c.Channel.ChannelSerial, Is.Null, "RTL15b: cleared on FAILED");
    }

    [Test]
    public async Task RTL3a_a_SUSPENDED_channel_is_unaffected_by_a_FAILED_connection()
    {
        await using var c = new ChannelHarness();
        _ = c.Channel.AttachAsync();
        c.Pump();
        c.Advance(TimeSpan.FromSeconds(10));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Suspended));
        var count = c.Changes.Count;
        c.Receive(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40198, 403, "Account disabled") });
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Suspended));
        Assert.That(c.Changes, Has.Count.EqualTo(count));
        c.Advance(TimeSpan.FromMinutes(1));
        Assert.That(c.Sent(ProtocolAction.Attach).Count(), Is.EqualTo(1), "RTL13b retries only while CONNECTED");
    }

    [Test]
    public async Task RTL3b_connection_CLOSED_detaches_channels_and_fails_a_pending_attach()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var close = c.H.Connection.CloseAsync();
        c.Pump();
        c.Receive(new ProtocolMessage(ProtocolAction.Closed));
        Assert.That(close.IsCompletedSuccessfully, Is.True);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(c.Channel.ChannelSerial, Is.Null, "RTL15b: cleared on DETACHED");
    }

    [Test]
    public async Task RTL3c_RTL3d_connection_SUSPENDED_suspends_and_CONNECTED_reattaches_with_the_channelSerial()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow("serial-1");
        c.Receive(c.MessageFrame("m1", "serial-2", new Message("n", "d")));
        c.Transport.Drop();
        c.Pump();
        Assert.That(c.H.Connection.State, Is.Not.EqualTo(ConnectionState.Connected));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached), "RTL3e: DISCONNECTED leaves channels alone");

        // No server answers until connectionStateTtl has passed: SUSPENDED.
        c.Advance(TimeSpan.FromMinutes(3));
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Suspended));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Suspended), "RTL3c");
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("serial-2"), "RTL15b: kept while SUSPENDED");

        c.H.Connection.Connect();
        c.Pump();
        c.Transport = c.H.Transport;
        c.Transport.Connected("conn-2", "key-2", ChannelHarness.QuietDetails, new ErrorInfo(80008, 400, "Unable to recover connection"));
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching), "RTL3d");
        Assert.That(c.Sent(ProtocolAction.Attach).Single().ChannelSerial, Is.EqualTo("serial-2"), "RTL4c1");

        c.Receive(c.Attached("serial-9"));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        var d = c.Discontinuities.Single();
        Assert.That(d.Kind, Is.EqualTo(DiscontinuityKind.AttachNotResumed));
        Assert.That(d.Reason?.Code, Is.EqualTo(80008), "the failed resume's error");
        Assert.That(d.AttachSerial, Is.EqualTo("serial-9"));
    }

    [Test]
    public async Task RTN15c6_successful_resume_reattaches_with_RESUMED_and_no_discontinuity()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow("serial-1");
        c.Receive(c.MessageFrame("m1", "serial-2", new Message("n", "d")));
        c.Transport.Drop();
        c.Pump();
        c.Transport = c.H.Transport;
        c.Transport.Connected("conn-1", "key-1b", ChannelHarness.QuietDetails);
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Single().ChannelSerial, Is.EqualTo("serial-2"), "RTL4c1");
        c.Receive(c.Attached("serial-2", ProtocolFlags.Resumed));
        Assert.That(c.Changes.Last().Resumed, Is.True);
        Assert.That(c.Discontinuities, Is.Empty);
    }

    [Test]
    public async Task RTN15c7_failed_resume_then_non_resumed_ATTACHED_is_a_discontinuity()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow("serial-1");
        c.Transport.Drop();
        c.Pump();
        c.Transport = c.H.Transport;
        c.Transport.Connected("conn-2", "key-2", ChannelHarness.QuietDetails, new ErrorInfo(80008, 400, "expired"));
        c.Pump();
        c.Receive(c.Attached("serial-5"));
        Assert.That(c.Changes.Last().Resumed, Is.False);
        Assert.That(c.Discontinuities.Single().Reason?.Code, Is.EqualTo(80008));
    }

    [Test]
    public async Task RTL12_extra_ATTACHED_without_RESUMED_emits_UPDATE_and_a_discontinuity()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        c.Receive(c.Attached("serial-3", ProtocolFlags.Resumed));
        Assert.That(c.Changes.Count(ch => ch.Event == ChannelEvent.Update), Is.Zero, "RESUMED: nothing");

        var error = new ErrorInfo(90003, 404, "Unable to recover channel");
        c.Receive(c.Attached("serial-4", error: error));
        var update = c.Changes.Last();
        Assert.That(update.Event, Is.EqualTo(ChannelEvent.Update));
        Assert.That(update.Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(update.Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(update.Resumed, Is.False);
        Assert.That(update.Reason, Is.EqualTo(error));
        var d = c.Discontinuities.Single();
        Assert.That(d.Kind, Is.EqualTo(DiscontinuityKind.Update));
        Assert.That(d.Reason, Is.EqualTo(error));
        Assert.That(c.Channel.AttachSerial, Is.EqualTo("serial-4"));
    }

    [Test]
    public async Task RTL15b_channelSerial_follows_MESSAGE_PRESENCE_and_ATTACHED_and_is_cleared_on_DETACHED()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow("a-1");
        c.Receive(c.MessageFrame("m", "a-2", new Message("n", "d")));
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("a-2"));
        c.Receive(new ProtocolMessage(ProtocolAction.Presence, c.Name) { ChannelSerial = "a-3", Presence = [] });
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("a-3"));
        c.Receive(new ProtocolMessage(ProtocolAction.Sync, c.Name) { ChannelSerial = "sync:cursor", Presence = [] });
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("a-3"), "a SYNC cursor is not a position");
        c.Receive(c.MessageFrame("m2", null, new Message("n", "d")));
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("a-3"), "only when present");

        _ = c.Channel.DetachAsync();
        c.Pump();
        c.Receive(c.Detached());
        Assert.That(c.Channel.ChannelSerial, Is.Null);
        _ = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Last().ChannelSerial, Is.Null);
        c.Receive(c.Attached("b-1"));
        Assert.That(c.Discontinuities, Is.Empty, "an explicit detach ends continuity tracking");
    }

    [Test]
    public async Task RTN16j_a_recovered_channelSerial_is_sent_in_the_first_ATTACH()
    {
        var recover = new Reliably.Rx.Realtime.RecoveryKey("key-0", 3, new Dictionary<string, string> { ["chat"] = "recovered-7" }).Serialize();
        await using var c = new ChannelHarness(configure: o => o with { Recover = recover });
        Assert.That(c.Channel.ChannelSerial, Is.EqualTo("recovered-7"));
        _ = c.Channel.AttachAsync();
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Attach).Single().ChannelSerial, Is.EqualTo("recovered-7"));
        c.Receive(c.Attached("recovered-9", ProtocolFlags.Resumed));
        Assert.That(c.Changes.Last().Resumed, Is.True);
    }
}
