using System.Reactive.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.PresenceClients;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/realtime_presence_subscribe.md (RTP6, RTP7): presence events. A listener is an Rx
/// subscription to <see cref="RealtimePresence.Events"/> (or <see cref="RealtimePresence.EventsOf"/> for one action);
/// unsubscribing is disposing it.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/realtime_presence_subscribe.md")]
public sealed class RealtimePresenceSubscribeTests
{
    private const string RxUnsubscribe =
        "A listener is an Rx subscription: unsubscribing is disposing the subscriptions (there is no unsubscribe by listener identity, each subscription is owned by its subscriber).";

    private static (TestScheduler Scheduler, ScriptedAbly Server) AttachingServer(string channel, int flags = 0, Action? onAttach = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                onAttach?.Invoke();
                c.Send(Attached(channel, flags));
            }
        };
        return (scheduler, server);
    }

    private static void Deliver(TestScheduler scheduler, ScriptedAbly server, ProtocolFrame frame)
    {
        server.LastConnection!.Send(frame);
        scheduler.ProcessPendingEvents();
    }

    // UTS: realtime/unit/RTP6a/subscribe-all-presence-events-0
    [Test]
    public async Task RTP6a_SubscribeToAllPresenceEvents()
    {
        var name = ChannelName("test-RTP6a");
        var (scheduler, server) = AttachingServer(name, HasPresence);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        var received = new List<PresenceMessage>();
        using var subscription = channel.Presence.Events.Subscribe(received.Add);
        scheduler.AwaitState(channel, ChannelState.Attached);

        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000)));
        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Update, "alice", "c1", "c1:1:0", 2000, "updated")));
        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Leave, "alice", "c1", "c1:2:0", 3000)));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[0].Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(received[0].ClientId, Is.EqualTo("alice"));
        Assert.That(received[1].Action, Is.EqualTo(PresenceAction.Update));
        Assert.That(received[1].Data, Is.EqualTo("updated"));
        Assert.That(received[2].Action, Is.EqualTo(PresenceAction.Leave));
    }

    // UTS: realtime/unit/RTP6b/subscribe-filtered-by-action-0
    [Test]
    public async Task RTP6b_SubscribeFilteredByAction()
    {
        var name = ChannelName("test-RTP6b");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var enterEvents = new List<PresenceMessage>();
        var leaveEvents = new List<PresenceMessage>();
        using var enters = channel.Presence.EventsOf(PresenceAction.Enter).Subscribe(enterEvents.Add);
        using var leaves = channel.Presence.EventsOf(PresenceAction.Leave).Subscribe(leaveEvents.Add);

        Deliver(scheduler, server, PresenceEvents(name,
            Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000),
            Member(PresenceAction.Update, "alice", "c1", "c1:1:0", 2000),
            Member(PresenceAction.Leave, "alice", "c1", "c1:2:0", 3000)));

        Assert.That(enterEvents, Has.Count.EqualTo(1));
        Assert.That(enterEvents[0].Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(leaveEvents, Has.Count.EqualTo(1));
        Assert.That(leaveEvents[0].Action, Is.EqualTo(PresenceAction.Leave));
    }

    // UTS: realtime/unit/RTP6b/subscribe-filtered-multiple-actions-1
    [Test]
    [Adapted("A set of actions is a LINQ filter on the event stream (Events.Where(...)), the Rx idiom, rather than an overload taking an array.")]
    public async Task RTP6b_SubscribeFilteredByMultipleActions()
    {
        var name = ChannelName("test-RTP6b-multi");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var enterLeaveEvents = new List<PresenceMessage>();
        var actions = new[] { PresenceAction.Enter, PresenceAction.Leave };
        using var subscription = channel.Presence.Events.Where(e => actions.Contains(e.Action)).Subscribe(enterLeaveEvents.Add);

        Deliver(scheduler, server, PresenceEvents(name,
            Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000),
            Member(PresenceAction.Update, "alice", "c1", "c1:1:0", 2000),
            Member(PresenceAction.Leave, "alice", "c1", "c1:2:0", 3000)));

        Assert.That(enterLeaveEvents, Has.Count.EqualTo(2));
        Assert.That(enterLeaveEvents[0].Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(enterLeaveEvents[1].Action, Is.EqualTo(PresenceAction.Leave));
    }

    // UTS: realtime/unit/RTP6d/subscribe-implicitly-attaches-0
    [Test]
    public async Task RTP6d_SubscribeImplicitlyAttachesChannel()
    {
        var name = ChannelName("test-RTP6d");
        var attachCount = 0;
        var (scheduler, server) = AttachingServer(name, onAttach: () => attachCount++);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.Connect(client);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));

        using var subscription = channel.Presence.Events.Subscribe(_ => { });
        scheduler.AwaitState(channel, ChannelState.Attached);

        Assert.That(attachCount, Is.EqualTo(1));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTP6e/subscribe-no-attach-option-0
    [Test]
    public async Task RTP6e_SubscribeWithAttachOnSubscribeFalseDoesNotAttach()
    {
        var name = ChannelName("test-RTP6e");
        var (scheduler, server) = Uts.Mock();
        var attachCount = 0;
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (_, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attachCount++;
            }
        };
        await using var client = server.Client();
        var channel = client.Channels.Get(name, new ChannelOptions { AttachOnSubscribe = false });

        scheduler.Connect(client);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));

        using var subscription = channel.Presence.Events.Subscribe(_ => { });
        scheduler.ProcessPendingEvents();

        Assert.That(channel.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(attachCount, Is.Zero);
    }

    // UTS: realtime/unit/RTP7c/unsubscribe-all-listeners-0
    [Test]
    [Adapted(RxUnsubscribe)]
    public async Task RTP7c_UnsubscribeAllListeners()
    {
        var name = ChannelName("test-RTP7c");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var eventsA = new List<PresenceMessage>();
        var eventsB = new List<PresenceMessage>();
        var subscriptions = new[]
        {
            channel.Presence.Events.Subscribe(eventsA.Add),
            channel.Presence.Events.Subscribe(eventsB.Add),
        };

        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000)));
        Assert.That(eventsA, Has.Count.EqualTo(1));
        Assert.That(eventsB, Has.Count.EqualTo(1));

        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }

        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Enter, "bob", "c2", "c2:0:0", 2000)));

        Assert.That(eventsA, Has.Count.EqualTo(1));
        Assert.That(eventsB, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP7a/unsubscribe-specific-listener-0
    [Test]
    [Adapted(RxUnsubscribe)]
    public async Task RTP7a_UnsubscribeSpecificListener()
    {
        var name = ChannelName("test-RTP7a");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var eventsA = new List<PresenceMessage>();
        var eventsB = new List<PresenceMessage>();
        var listenerA = channel.Presence.Events.Subscribe(eventsA.Add);
        using var listenerB = channel.Presence.Events.Subscribe(eventsB.Add);

        listenerA.Dispose();
        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000)));

        Assert.That(eventsA, Is.Empty);
        Assert.That(eventsB, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTP7b/unsubscribe-for-specific-action-0
    [Test]
    [Adapted(RxUnsubscribe)]
    public async Task RTP7b_UnsubscribeListenerForSpecificAction()
    {
        var name = ChannelName("test-RTP7b");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var received = new List<PresenceMessage>();
        var enterSubscription = channel.Presence.EventsOf(PresenceAction.Enter).Subscribe(received.Add);
        using var leaveSubscription = channel.Presence.EventsOf(PresenceAction.Leave).Subscribe(received.Add);

        enterSubscription.Dispose();
        Deliver(scheduler, server, PresenceEvents(name,
            Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000),
            Member(PresenceAction.Leave, "alice", "c1", "c1:1:0", 2000)));

        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].Action, Is.EqualTo(PresenceAction.Leave));
    }

    // UTS: realtime/unit/RTP6/presence-events-update-map-0
    [Test]
    public async Task RTP6_PresenceEventsUpdateThePresenceMap()
    {
        var name = ChannelName("test-RTP6-map");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        using var subscription = channel.Presence.Events.Subscribe(_ => { });
        Deliver(scheduler, server, PresenceEvents(name, Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000, "hello")));
        var members = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));

        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("alice"));
        Assert.That(members[0].Data, Is.EqualTo("hello"));
        Assert.That(members[0].Action, Is.EqualTo(PresenceAction.Present));
    }

    // UTS: realtime/unit/RTP6/multiple-presence-in-single-message-1
    [Test]
    public async Task RTP6_MultiplePresenceMessagesInSingleProtocolMessage()
    {
        var name = ChannelName("test-RTP6-batch");
        var (scheduler, server) = AttachingServer(name);
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var received = new List<PresenceMessage>();
        using var subscription = channel.Presence.Events.Subscribe(received.Add);
        Deliver(scheduler, server, PresenceEvents(name,
            Member(PresenceAction.Enter, "alice", "c1", "c1:0:0", 1000),
            Member(PresenceAction.Enter, "bob", "c2", "c2:0:0", 1000),
            Member(PresenceAction.Enter, "carol", "c3", "c3:0:0", 1000)));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[0].ClientId, Is.EqualTo("alice"));
        Assert.That(received[1].ClientId, Is.EqualTo("bob"));
        Assert.That(received[2].ClientId, Is.EqualTo("carol"));
    }
}
