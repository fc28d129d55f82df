using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_state_events.md (RTL2, TH1-TH6): the channel's state and its events.</summary>
/// <remarks><c>channel.on(event).listen(...)</c> is <see cref="RealtimeChannel.StateChanges"/> filtered by event (<see cref="ChannelMocks.Record"/>).</remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_state_events.md")]
public sealed class ChannelStateEventsTests
{
    /// <summary>A client with <c>autoConnect: false</c> on a server that answers ATTACH with <paramref name="onAttach"/>.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRealtime Client, RealtimeChannel Channel) Client(string channelName, Func<ProtocolFrame, ProtocolFrame>? onAttach = null)
    {
        var (scheduler, server) = ChannelMocks.AcceptingServer((c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach && onAttach is not null)
            {
                c.Send(onAttach(msg));
            }
        });
        var client = server.CreateRealtime(o => o with { AutoConnect = false });
        return (scheduler, server, client, client.Channels.Get(channelName));
    }

    private static ProtocolFrame Attached(ProtocolFrame attach) => ProtocolFrame.Attached(attach.Channel!);

    // UTS: realtime/unit/RTL2b/channel-state-attribute-0
    [Test]
    public async Task RTL2b_ChannelStateAttribute()
    {
        var (_, _, client, channel) = Client("test-RTL2b");
        await using var owned = client;

        Assert.That(channel.State, Is.TypeOf<ChannelState>());
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));
    }

    // UTS: realtime/unit/RTL2b/initial-state-initialized-1
    [Test]
    public async Task RTL2b_ChannelInitialStateIsInitialized()
    {
        var (_, _, client, _) = Client("unused");
        await using var owned = client;

        var channel = client.Channels.Get("test-RTL2b-init");

        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));
    }

    // UTS: realtime/unit/RTL2a/state-change-events-emitted-0
    [Test]
    public async Task RTL2a_StateChangeEventsEmittedForEveryStateChange()
    {
        var (scheduler, server, client, channel) = Client("test-RTL2a");
        await using var owned = client;
        var stateChanges = channel.Record();

        scheduler.ConnectAndWait(client);
        server.OnFrameFromClient = ChannelMocks.AttachAndDetach;
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(stateChanges, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(stateChanges[0].Current, Is.EqualTo(ChannelState.Attaching));
        Assert.That(stateChanges[0].Previous, Is.EqualTo(ChannelState.Initialized));
        Assert.That(stateChanges[1].Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(stateChanges[1].Previous, Is.EqualTo(ChannelState.Attaching));
    }

    // UTS: realtime/unit/RTL2d/state-change-object-structure-0
    [Test]
    public async Task RTL2d_TH1_TH2_TH5_ChannelStateChangeObjectStructure()
    {
        var (scheduler, _, client, channel) = Client("test-RTL2d", Attached);
        await using var owned = client;
        var attaching = channel.Record(ChannelEvent.Attaching);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(attaching, Has.Count.EqualTo(1));
        var change = attaching[0];
        Assert.That(change, Is.TypeOf<ChannelStateChange>());
        Assert.That(change.Current, Is.EqualTo(ChannelState.Attaching));
        Assert.That(change.Previous, Is.EqualTo(ChannelState.Initialized));
        Assert.That(change.Event, Is.EqualTo(ChannelEvent.Attaching));
    }

    // UTS: realtime/unit/RTL2d/state-change-error-reason-1
    [Test]
    public async Task RTL2d_TH3_ChannelStateChangeIncludesErrorReason()
    {
        var (scheduler, _, client, channel) = Client("test-RTL2d-error", a => ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Channel denied"), a.Channel));
        await using var owned = client;
        var failed = channel.Record(ChannelEvent.Failed);

        scheduler.ConnectAndWait(client);
        scheduler.AwaitFailure(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(failed, Has.Count.EqualTo(1));
        Assert.That(failed[0].Current, Is.EqualTo(ChannelState.Failed));
        Assert.That(failed[0].Reason, Is.Not.Null);
        Assert.That(failed[0].Reason!.Code, Is.EqualTo(40160));
        Assert.That(failed[0].Reason!.Message, Is.EqualTo("Channel denied"));
    }

    // UTS: realtime/unit/RTL2/filtered-event-subscription-0
    [Test]
    public async Task RTL2_FilteredEventSubscription()
    {
        var (scheduler, _, client, channel) = Client("test-RTL2-filtered", Attached);
        await using var owned = client;
        var attachedEvents = channel.Record(ChannelEvent.Attached);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(attachedEvents, Has.Count.EqualTo(1), "ATTACHING is not received");
        Assert.That(attachedEvents[0].Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(attachedEvents[0].Event, Is.EqualTo(ChannelEvent.Attached));
    }

    // UTS: realtime/unit/RTL2g/update-event-condition-change-0
    [Test]
    public async Task RTL2g_UpdateEventForConditionChangesWithoutStateChange()
    {
        var (scheduler, server, client, channel) = Client("test-RTL2g", Attached);
        await using var owned = client;
        var updateEvents = channel.Record(ChannelEvent.Update);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());

        // No RESUMED flag: a loss of continuity (RTL12).
        server.SendToClient(ProtocolFrame.Attached(channel.Name));
        scheduler.ProcessPendingEvents();

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents, Has.Count.EqualTo(1));
        Assert.That(updateEvents[0].Event, Is.EqualTo(ChannelEvent.Update));
        Assert.That(updateEvents[0].Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents[0].Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(updateEvents[0].Resumed, Is.False);
    }

    // UTS: realtime/unit/RTL2g/no-duplicate-state-events-1
    [Test]
    public async Task RTL2g_NoDuplicateStateEvents()
    {
        var (scheduler, server, client, channel) = Client("test-RTL2g-nodup", Attached);
        await using var owned = client;
        var allEvents = channel.Record();

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        server.SendToClient(ProtocolFrame.Attached(channel.Name));
        scheduler.ProcessPendingEvents();

        Assert.That(allEvents.Count(e => e.Current == ChannelState.Attached && e.Event == ChannelEvent.Attached), Is.EqualTo(1), "only the original attach");
    }

    // UTS: realtime/unit/RTL2i/has-backlog-flag-true-0
    [Test]
    public async Task RTL2i_TH6_HasBacklogFlagInChannelStateChange()
    {
        var (scheduler, _, client, channel) = Client("test-RTL2i", a => ProtocolFrame.Attached(a.Channel!, flags: Flags.HasBacklog));
        await using var owned = client;
        var attached = channel.Record(ChannelEvent.Attached);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(attached, Has.Count.EqualTo(1));
        Assert.That(attached[0].HasBacklog, Is.True);
    }

    // UTS: realtime/unit/RTL2i/has-backlog-flag-false-1
    [Test]
    public async Task RTL2i_HasBacklogFalseWhenFlagNotPresent()
    {
        var (scheduler, _, client, channel) = Client("test-RTL2i-false", Attached);
        await using var owned = client;
        var attached = channel.Record(ChannelEvent.Attached);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(attached, Has.Count.EqualTo(1));
        Assert.That(attached[0].HasBacklog, Is.False);
    }

    // UTS: realtime/unit/RTL2d/resumed-flag-propagated-2
    [Test]
    public async Task RTL2d_ResumedFlagInChannelStateChange()
    {
        var (scheduler, _, client, channel) = Client("test-RTL2d-resumed", a => ProtocolFrame.Attached(a.Channel!, flags: Flags.Resumed));
        await using var owned = client;
        var attached = channel.Record(ChannelEvent.Attached);

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(attached, Has.Count.EqualTo(1));
        Assert.That(attached[0].Resumed, Is.True);
    }

    // UTS: realtime/unit/RTL24/error-reason-populated-0
    [Test]
    public async Task RTL24_ChannelErrorReasonAttribute()
    {
        var (scheduler, _, client, channel) = Client("test-errorReason", a => ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Not authorized"), a.Channel));
        await using var owned = client;

        scheduler.ConnectAndWait(client);
        scheduler.AwaitFailure(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(channel.ErrorReason, Is.Not.Null);
        Assert.That(channel.ErrorReason!.Code, Is.EqualTo(40160));
        Assert.That(channel.ErrorReason.Message, Is.EqualTo("Not authorized"));
    }

    // UTS: realtime/unit/RTL4c/error-reason-cleared-attach-0
    [Test]
    public async Task RTL4c_ErrorReasonClearedOnSuccessfulAttach()
    {
        var attachCount = 0;
        var (scheduler, _, client, channel) = Client("test-errorReason-clear", a => ++attachCount == 1
            ? ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Denied"), a.Channel)
            : ProtocolFrame.Attached(a.Channel!));
        await using var owned = client;

        scheduler.ConnectAndWait(client);
        scheduler.AwaitFailure(channel.AttachAsync());
        Assert.That(channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(channel.ErrorReason, Is.Not.Null);
        scheduler.Await(channel.AttachAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(channel.ErrorReason, Is.Null);
    }
}
