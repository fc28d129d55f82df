using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_publish.md (RTL6, RTN7d, RTN7e, RTN19a, RTN19b): publishing.</summary>
/// <remarks>
/// The spec's raw frame hooks (<c>onTextDataFrame</c>, <c>onBinaryDataFrame</c>) are the scripted server's decoded
/// frames: its codec keeps every key the client sent, a null one included, so "key NOT IN message" is checked on them.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_publish.md")]
public sealed partial class ChannelPublishTests
{
    private static readonly ChannelOptions NoAttachOnSubscribe = new() { AttachOnSubscribe = false };

    /// <summary>ATTACH is answered with ATTACHED; every MESSAGE is recorded and answered by <paramref name="reply"/> (null: no answer).</summary>
    private static Action<ScriptedConnection, ProtocolFrame> Capturing(List<ProtocolFrame> messages, Func<ScriptedConnection, ProtocolFrame, ProtocolFrame?>? reply = null) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!));
            }
            else if (msg.Action == ProtocolAction.Message)
            {
                messages.Add(msg);
                if (reply?.Invoke(c, msg) is { } answer)
                {
                    c.Send(answer);
                }
            }
        };

    /// <summary>A connected client (the spec's CONNECTED_MESSAGE) whose channel has <c>attachOnSubscribe: false</c>.</summary>
    private static ChannelFixture Connected(string channelName, Action<ScriptedConnection, ProtocolFrame> onFrame, Func<ClientOptions, ClientOptions>? configure = null) =>
        ChannelFixture.Connected(channelName, onFrame, configure, NoAttachOnSubscribe);

    /// <summary>As <see cref="Connected"/>, then attached.</summary>
    private static ChannelFixture Attached(string channelName, Action<ScriptedConnection, ProtocolFrame> onFrame, Func<ClientOptions, ClientOptions>? configure = null) =>
        ChannelFixture.Attached(channelName, onFrame, configure, NoAttachOnSubscribe);

    /// <summary>A client whose connection attempts are not answered until the test says so, and its channel.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRealtime Client, RealtimeChannel Channel) Unanswered(string channelName, List<ProtocolFrame> messages, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnFrameFromClient = Capturing(messages);
        var client = server.CreateRealtime(o => (configure ?? (x => x))(o with { AutoConnect = false }));
        return (scheduler, server, client, client.Channels.Get(channelName, NoAttachOnSubscribe));
    }

    private static JObject FirstMessage(ProtocolFrame frame) => frame.Messages[0];

    // UTS: realtime/unit/RTL6i1/publish-name-and-data-0
    [Test]
    public async Task RTL6i1_PublishSingleMessageByNameAndData()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6i1", Capturing(captured));

        _ = f.Channel.PublishAsync("greeting", "hello");
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(captured[0].Action, Is.EqualTo(ProtocolAction.Message));
        Assert.That(captured[0].Channel, Is.EqualTo("test-RTL6i1"));
        Assert.That(captured[0].Messages, Has.Count.EqualTo(1));
        Assert.That(FirstMessage(captured[0]).Value<string>("name"), Is.EqualTo("greeting"));
        Assert.That(FirstMessage(captured[0]).Value<string>("data"), Is.EqualTo("hello"));
    }

    // UTS: realtime/unit/RTL6i2/publish-message-array-0
    [Test]
    public async Task RTL6i2_PublishArrayOfMessageObjects()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6i2", Capturing(captured));

        _ = f.Channel.PublishAsync([new Message("event1", "data1"), new Message("event2", "data2"), new Message("event3", "data3")]);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1), "a single ProtocolMessage");
        Assert.That(captured[0].Messages.Select(m => m.Value<string>("name")), Is.EqualTo(new[] { "event1", "event2", "event3" }));
    }

    // UTS: realtime/unit/RTL6i3/null-fields-json-0
    [Test]
    public Task RTL6i3_NullFieldsOmittedFromJsonWireEncoding() => NullFieldsOmitted(useBinaryProtocol: false);

    // UTS: realtime/unit/RTL6i3/null-fields-msgpack-1
    [Test]
    public Task RTL6i3_NullFieldsOmittedFromMsgpackWireEncoding() => NullFieldsOmitted(useBinaryProtocol: true);

    private static async Task NullFieldsOmitted(bool useBinaryProtocol)
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6i3", Capturing(captured), o => o with { UseBinaryProtocol = useBinaryProtocol });
        Assert.That(f.Server.LastConnection!.FrameKind, Is.EqualTo(useBinaryProtocol ? Reliably.Rx.Transport.TransportFrameKind.Binary : Reliably.Rx.Transport.TransportFrameKind.Text));

        _ = f.Channel.PublishAsync("click", null);
        _ = f.Channel.PublishAsync(null, "payload");
        _ = f.Channel.PublishAsync(null, null);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(3));
        var msg0 = FirstMessage(captured[0]);
        Assert.That(msg0.Value<string>("name"), Is.EqualTo("click"));
        Assert.That(msg0.ContainsKey("data"), Is.False);
        var msg1 = FirstMessage(captured[1]);
        Assert.That(msg1.ContainsKey("name"), Is.False);
        Assert.That(msg1.Value<string>("data"), Is.EqualTo("payload"));
        var msg2 = FirstMessage(captured[2]);
        Assert.That(msg2.ContainsKey("name"), Is.False);
        Assert.That(msg2.ContainsKey("data"), Is.False);
    }

    // UTS: realtime/unit/RTL6c1/publish-when-attached-0
    [Test]
    public async Task RTL6c1_PublishImmediatelyWhenConnectedAndChannelAttached()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6c1", Capturing(captured));
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        _ = f.Channel.PublishAsync("test", "immediate");
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(FirstMessage(captured[0]).Value<string>("name"), Is.EqualTo("test"));
        Assert.That(FirstMessage(captured[0]).Value<string>("data"), Is.EqualTo("immediate"));
    }

    // UTS: realtime/unit/RTL6c1/publish-when-attaching-1
    [Test]
    public async Task RTL6c1_PublishImmediatelyWhenConnectedAndChannelAttaching()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Connected("test-RTL6c1-attaching", (_, msg) =>
        {
            // ATTACH is not answered: the channel stays ATTACHING.
            if (msg.Action == ProtocolAction.Message)
            {
                captured.Add(msg);
            }
        });

        _ = f.Channel.AttachAsync();
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        _ = f.Channel.PublishAsync("while-attaching", "data");
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1), "ATTACHING is neither SUSPENDED nor FAILED");
        Assert.That(FirstMessage(captured[0]).Value<string>("name"), Is.EqualTo("while-attaching"));
    }

    // UTS: realtime/unit/RTL6c1/publish-when-initialized-2
    [Test]
    public async Task RTL6c1_PublishImmediatelyWhenConnectedAndChannelInitialized()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Connected("test-RTL6c1-init", Capturing(captured));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));

        _ = f.Channel.PublishAsync("before-attach", "data");
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(FirstMessage(captured[0]).Value<string>("name"), Is.EqualTo("before-attach"));
    }

    // UTS: realtime/unit/RTL6c2/queued-when-connecting-0
    [Test]
    public async Task RTL6c2_PublishQueuedWhenConnectionIsConnecting()
    {
        var captured = new List<ProtocolFrame>();
        var (scheduler, server, client, channel) = Unanswered("test-RTL6c2-connecting", captured);
        await using var owned = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        _ = channel.PublishAsync("queued", "waiting");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Is.Empty, "not sent yet");

        server.NextConnectionAttempt().RespondWithSuccess();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(FirstMessage(captured[0]).Value<string>("name"), Is.EqualTo("queued"));
        Assert.That(FirstMessage(captured[0]).Value<string>("data"), Is.EqualTo("waiting"));
    }

    // UTS: realtime/unit/RTL6c2/queued-when-disconnected-1
    [Test]
    public async Task RTL6c2_PublishQueuedWhenConnectionIsDisconnected()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Connected("test-RTL6c2-disconnected", Capturing(captured));

        f.Server.LastConnection!.Drop();
        var stateChanges = f.Client.Connection.Record();
        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Disconnected);
        _ = f.Channel.PublishAsync("during-disconnect", "queued");
        var messageCountBefore = captured.Count;

        f.Scheduler.AwaitState(f.Client.Connection, ConnectionState.Connected);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(stateChanges.Select(c => c.Current), Does.Contain(ConnectionState.Disconnected));
        Assert.That(captured, Has.Count.GreaterThan(messageCountBefore));
        Assert.That(captured.Count(m => FirstMessage(m).Value<string>("name") == "during-disconnect"), Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTL6c2/queued-when-initialized-2
    [Test]
    public async Task RTL6c2_PublishQueuedWhenConnectionIsInitialized()
    {
        var captured = new List<ProtocolFrame>();
        var (scheduler, server) = ChannelMocks.AcceptingServer(Capturing(captured));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL6c2-init", NoAttachOnSubscribe);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));

        _ = channel.PublishAsync("pre-connect", "early");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Is.Empty);

        scheduler.ConnectAndWait(client);
        scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(FirstMessage(captured[0]).Value<string>("name"), Is.EqualTo("pre-connect"));
    }

    // UTS: realtime/unit/RTL6c5/no-implicit-attach-0
    [Test]
    public async Task RTL6c5_PublishDoesNotTriggerImplicitAttach()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Connected("test-RTL6c5", Capturing(captured));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));

        _ = f.Channel.PublishAsync("no-attach", "test");
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1), "RTL6c1: sent");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(f.Server.FramesFromClient(ProtocolAction.Attach), Is.Empty, "no implicit attach");
    }

    // UTS: realtime/unit/RTL6c2/queued-messages-order-4
    [Test]
    public async Task RTL6c2_MultipleQueuedMessagesSentInOrderAfterConnection()
    {
        var captured = new List<ProtocolFrame>();
        var (scheduler, server, client, channel) = Unanswered("test-RTL6c2-order", captured);
        await using var owned = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        _ = channel.PublishAsync("first", "1");
        _ = channel.PublishAsync("second", "2");
        _ = channel.PublishAsync("third", "3");
        scheduler.ProcessPendingEvents();
        Assert.That(captured, Is.Empty);

        server.NextConnectionAttempt().RespondWithSuccess();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.ProcessPendingEvents();

        Assert.That(captured.Select(m => FirstMessage(m).Value<string>("name")), Is.EqualTo(new[] { "first", "second", "third" }));
    }

    // UTS: realtime/unit/RTL6i1/publish-message-object-1
    [Test]
    public async Task RTL6i1_PublishMessageObject()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Attached("test-RTL6i1-obj", Capturing(captured));

        _ = f.Channel.PublishAsync(new Message("custom", new JObject { ["key"] = "value" }));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(captured, Has.Count.EqualTo(1));
        Assert.That(captured[0].Messages, Has.Count.EqualTo(1));
        var sent = FirstMessage(captured[0]);
        Assert.That(sent.Value<string>("name"), Is.EqualTo("custom"));

        // JSON data travels as a string with the json encoding (RSL4d3); decoded, it is the object.
        Assert.That(sent.Value<string>("encoding"), Is.EqualTo("json"));
        Assert.That(JToken.DeepEquals(JToken.Parse(sent.Value<string>("data")!), new JObject { ["key"] = "value" }), Is.True);
    }
}
