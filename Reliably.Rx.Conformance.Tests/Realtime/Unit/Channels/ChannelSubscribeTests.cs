using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_subscribe.md (RTL7, RTL8, RTL17, RTL22, MFI): subscribing to messages.</summary>
/// <remarks>
/// <c>channel.subscribe(listener)</c> is <c>channel.Messages().Subscribe(...)</c> and <c>subscribe(name, listener)</c> is
/// <c>channel.Messages(name).Subscribe(...)</c>; <c>unsubscribe</c> disposes the subscription. Deliveries run on the
/// delivery scheduler, so each check follows <c>process_pending_events()</c>.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_subscribe.md")]
public sealed partial class ChannelSubscribeTests
{
    private static readonly ChannelOptions NoAttachOnSubscribe = new() { AttachOnSubscribe = false };

    /// <summary>The usual set-up: connected, <c>attachOnSubscribe: false</c>, attached.</summary>
    private static ChannelFixture Attached(string name) => ChannelFixture.Attached(name, channelOptions: NoAttachOnSubscribe);

    private static IDisposable Subscribe(IObservable<Message> stream, List<Message> into) => stream.Subscribe(into.Add, _ => { });

    /// <summary>A message as the server sends it; <paramref name="name"/> null leaves the name out.</summary>
    private static JObject Msg(string? name, string data, JObject? extras = null, string? clientId = null)
    {
        var message = new JObject { ["data"] = data };
        if (name is not null)
        {
            message["name"] = name;
        }

        if (extras is not null)
        {
            message["extras"] = extras;
        }

        if (clientId is not null)
        {
            message["clientId"] = clientId;
        }

        return message;
    }

    /// <summary>Sends one MESSAGE ProtocolMessage with <paramref name="messages"/> and runs the deliveries it causes.</summary>
    private static void Send(ChannelFixture f, params JObject[] messages) => Send(f, null, messages);

    private static void Send(ChannelFixture f, string? connectionId, params JObject[] messages)
    {
        var frame = new JObject { ["action"] = (int)ProtocolAction.Message, ["channel"] = f.Channel.Name, ["messages"] = new JArray(messages) };
        if (connectionId is not null)
        {
            frame["connectionId"] = connectionId;
        }

        f.Server.SendToClient(ChannelMocks.Frame(frame));
        f.Scheduler.ProcessPendingEvents();
    }

    /// <summary>Counts ATTACHs; answers them with ATTACHED when <paramref name="answer"/>, DETACH with DETACHED.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> CountAttaches(List<ProtocolFrame> attaches, bool answer = true) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                attaches.Add(msg);
                if (answer)
                {
                    c.Send(ProtocolFrame.Attached(msg.Channel!));
                }
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(msg.Channel!));
            }
        };

    // UTS: realtime/unit/RTL7a/subscribe-all-messages-0
    [Test]
    public async Task RTL7a_SubscribeWithNoNameReceivesAllMessages()
    {
        await using var f = Attached("test-RTL7a");
        var received = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(), received);

        Send(f, Msg("event1", "data1"));
        Send(f, Msg("event2", "data2"));
        Send(f, Msg(null, "data3"));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[0].Name, Is.EqualTo("event1"));
        Assert.That(received[0].Data, Is.EqualTo("data1"));
        Assert.That(received[1].Name, Is.EqualTo("event2"));
        Assert.That(received[1].Data, Is.EqualTo("data2"));
        Assert.That(received[2].Name, Is.Null);
        Assert.That(received[2].Data, Is.EqualTo("data3"));
    }

    // UTS: realtime/unit/RTL7a/multiple-messages-per-protocol-1
    [Test]
    public async Task RTL7a_SubscribeReceivesMultipleMessagesFromSingleProtocolMessage()
    {
        await using var f = Attached("test-RTL7a-multi");
        var received = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(), received);

        Send(f, Msg("batch1", "first"), Msg("batch2", "second"), Msg("batch3", "third"));

        Assert.That(received.Select(m => m.Name), Is.EqualTo(new[] { "batch1", "batch2", "batch3" }));
    }

    // UTS: realtime/unit/RTL7b/name-filtered-subscribe-0
    [Test]
    public async Task RTL7b_SubscribeWithNameOnlyReceivesMatchingMessages()
    {
        await using var f = Attached("test-RTL7b");
        var received = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages("target"), received);

        Send(f, Msg("other", "should-not-receive"));
        Send(f, Msg("target", "should-receive"));
        Send(f, Msg(null, "no-name-should-not-receive"));

        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].Name, Is.EqualTo("target"));
        Assert.That(received[0].Data, Is.EqualTo("should-receive"));
    }

    // UTS: realtime/unit/RTL7b/multiple-name-subscriptions-1
    [Test]
    public async Task RTL7b_MultipleNameSpecificSubscriptionsAreIndependent()
    {
        await using var f = Attached("test-RTL7b-multi");
        var alpha = new List<Message>();
        var beta = new List<Message>();
        using var alphaSubscription = Subscribe(f.Channel.Messages("alpha"), alpha);
        using var betaSubscription = Subscribe(f.Channel.Messages("beta"), beta);

        Send(f, Msg("alpha", "a1"), Msg("beta", "b1"), Msg("alpha", "a2"), Msg("gamma", "g1"));

        Assert.That(alpha.Select(m => m.Data), Is.EqualTo(new[] { "a1", "a2" }));
        Assert.That(beta.Select(m => m.Data), Is.EqualTo(new[] { "b1" }));
    }

    // UTS: realtime/unit/RTL7g/implicit-attach-initialized-0
    [Test]
    public async Task RTL7g_SubscribeTriggersImplicitAttachWhenAttachOnSubscribeIsTrue()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL7g", CountAttaches(attaches));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        var received = new List<Message>();

        using var subscription = Subscribe(f.Channel.Messages(), received);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(1));
        Send(f, Msg("test", "hello"));
        Assert.That(received, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTL7g/implicit-attach-detached-1
    [Test]
    public async Task RTL7g_SubscribeTriggersImplicitAttachFromDetachedState()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Attached("test-RTL7g-detached", CountAttaches(attaches));
        f.Scheduler.Await(f.Channel.DetachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(attaches, Has.Count.EqualTo(1));

        using var subscription = f.Channel.Messages().Subscribe(_ => { }, _ => { });
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(2));
    }

    // UTS: realtime/unit/RTL7g/listener-registered-attach-fails-2
    [Test]
    public async Task RTL7g_ListenerRegisteredEvenIfImplicitAttachFails()
    {
        await using var f = ChannelFixture.Connected("test-RTL7g-fail", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Not permitted"), msg.Channel));
            }
        });
        var received = new List<Message>();

        using var subscription = Subscribe(f.Channel.Messages(), received);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);
        f.Server.OnFrameFromClient = ChannelMocks.AttachAndDetach;
        f.Scheduler.Await(f.Channel.AttachAsync());
        Send(f, Msg("test", "after-reattach"));

        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].Data, Is.EqualTo("after-reattach"));
    }

    // UTS: realtime/unit/RTL7h/no-attach-on-subscribe-0
    [Test]
    public async Task RTL7h_SubscribeDoesNotAttachWhenAttachOnSubscribeIsFalse()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL7h", CountAttaches(attaches), channelOptions: NoAttachOnSubscribe);
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));

        using var subscription = f.Channel.Messages().Subscribe(_ => { }, _ => { });
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(attaches, Is.Empty);
    }

    // UTS: realtime/unit/RTL7g/no-attach-when-attached-3
    [Test]
    public async Task RTL7g_SubscribeDoesNotAttachWhenAlreadyAttached()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Attached("test-RTL7g-already", CountAttaches(attaches));
        Assert.That(attaches, Has.Count.EqualTo(1));

        using var subscription = f.Channel.Messages().Subscribe(_ => { }, _ => { });
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaches, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTL7g/no-attach-when-attaching-4
    [Test]
    public async Task RTL7g_SubscribeDoesNotAttachWhenAlreadyAttaching()
    {
        var attaches = new List<ProtocolFrame>();
        await using var f = ChannelFixture.Connected("test-RTL7g-attaching", CountAttaches(attaches, answer: false));
        _ = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.ProcessPendingEvents();
        Assert.That(attaches, Has.Count.EqualTo(1));

        using var subscription = f.Channel.Messages().Subscribe(_ => { }, _ => { });
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(attaches, Has.Count.EqualTo(1), "no additional ATTACH");
    }

    // UTS: realtime/unit/RTL17/no-delivery-when-not-attached-0
    [Test]
    public async Task RTL17_MessagesNotDeliveredWhenChannelIsNotAttached()
    {
        await using var f = ChannelFixture.Connected("test-RTL17", (_, _) => { }, channelOptions: NoAttachOnSubscribe);
        var received = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(), received);

        _ = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        Send(f, Msg("premature", "should-not-deliver"));

        Assert.That(received, Is.Empty);
    }

    // UTS: realtime/unit/RTL7f/no-echo-messages-0
    [Test]
    [Adapted("Echo suppression is delegated to the server, as the case's implementation note allows: the test checks that the connection asks for echo=false, and that messages from other connections are delivered.")]
    public async Task RTL7f_MessagesNotEchoedWhenEchoMessagesIsFalse()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("conn-self-123", "key-456"));
        server.OnFrameFromClient = ChannelMocks.AttachAndDetach;
        var client = server.CreateRealtime(o => o with { AutoConnect = false, EchoMessages = false });
        await using var f = new ChannelFixture(scheduler, server, client, client.Channels.Get("test-RTL7f", NoAttachOnSubscribe));
        scheduler.ConnectAndWait(client);
        scheduler.Await(f.Channel.AttachAsync());
        var received = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(), received);

        Assert.That(server.LastConnection!.Param("echo"), Is.EqualTo("false"), "the server is asked not to echo this connection's messages");
        Send(f, "conn-other-789", Msg("remote", "from-other"));

        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].Name, Is.EqualTo("remote"));
        Assert.That(received[0].Data, Is.EqualTo("from-other"));
    }
}
