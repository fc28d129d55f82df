using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_annotations.md (RTL26, RTAN1-RTAN5): <c>channel.annotations</c>. Annotations are
/// not implemented yet: each case sets up its server and channel, and carries in a comment the calls and assertions it
/// will make once <c>RealtimeChannel.Annotations</c> exists; what it can already check (the ANNOTATION frames the
/// client sends) it checks. RTAN3a (get) has no case of its own: it defers to rest/unit/channel/annotations.md.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_annotations.md")]
public sealed class ChannelAnnotationsTests
{
    private const string NotImplemented = "not implemented: annotations (RTL26, RTAN1-RTAN5)";

    /// <summary>The ANNOTATION ProtocolMessage action (TR2), which the scripted server's enum does not name yet.</summary>
    private const ProtocolAction Annotation = (ProtocolAction)21;

    private const int AnnotationPublish = 1 << 21;
    private const int AnnotationSubscribe = 1 << 22;

    /// <summary>ATTACH is answered with ATTACHED carrying <paramref name="flags"/>; ANNOTATION with ACK, or with <paramref name="nack"/>.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> Server(int flags, ErrorInfo? nack = null) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!, flags: flags));
            }
            else if (msg.Action == Annotation)
            {
                c.Send(nack is null ? ProtocolFrame.Ack(msg.MsgSerial!.Value) : ProtocolFrame.Nack(msg.MsgSerial!.Value, 1, nack));
            }
        };

    private static ChannelFixture Attached(string name, int flags = Flags.Publish | AnnotationPublish, ErrorInfo? nack = null, ChannelOptions? options = null) =>
        ChannelFixture.Attached(name, Server(flags, nack), channelOptions: options);

    private static JObject Ann(string type, string name, string serial, long timestamp) => new()
    {
        ["action"] = 0, ["type"] = type, ["name"] = name, ["messageSerial"] = "msg-serial-1", ["serial"] = serial, ["timestamp"] = timestamp,
    };

    private static void SendAnnotations(ChannelFixture f, params JObject[] annotations)
    {
        f.Server.SendToClient(ChannelMocks.Frame(new JObject { ["action"] = (int)Annotation, ["channel"] = f.Channel.Name, ["annotations"] = new JArray(annotations) }));
        f.Scheduler.ProcessPendingEvents();
    }

    // UTS: realtime/unit/RTL26/annotations-attribute-type-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTL26_ChannelAnnotationsReturnsRealtimeAnnotations()
    {
        await using var f = ChannelFixture.Connected("test-RTL26");
        // Assert.That(f.Channel.Annotations, Is.TypeOf<RealtimeAnnotations>());
        Assert.That(f.Channel.GetType().GetProperty("Annotations"), Is.Not.Null);
    }

    // UTS: realtime/unit/RTAN1a/publish-sends-annotation-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN1a_RTAN1c_PublishSendsAnnotationProtocolMessageWithAnnotationCreate()
    {
        await using var f = Attached("test-RTAN1a");
        // f.Scheduler.Await(f.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
        var frames = f.Server.FramesFromClient(Annotation);
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Channel, Is.EqualTo("test-RTAN1a"));
        var ann = (JObject)frames[0].Json["annotations"]![0]!;
        Assert.That(ann.Value<int>("action"), Is.EqualTo(0), "ANNOTATION_CREATE");
        Assert.That(ann.Value<string>("messageSerial"), Is.EqualTo("msg-serial-1"));
        Assert.That(ann.Value<string>("type"), Is.EqualTo("com.example.reaction"));
        Assert.That(ann.Value<string>("name"), Is.EqualTo("like"));
    }

    // UTS: realtime/unit/RTAN1a/validates-type-required-1
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN1a_PublishValidatesTypeIsRequired()
    {
        await using var f = Attached("test-RTAN1a-validate");
        // var error = f.Scheduler.AwaitFailure(f.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Name = "like" }));
        // Assert.That(error, Is.Not.Null);
        Assert.Fail("RealtimeChannel.Annotations.PublishAsync does not exist yet");
    }

    // UTS: realtime/unit/RTAN1a/encodes-data-json-2
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN1a_PublishEncodesDataPerRSL4()
    {
        await using var f = Attached("test-RTAN1a-encode");
        // f.Scheduler.Await(f.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.data", Data = JObject.Parse("""{"key":"value","nested":{"a":1}}""") }));
        var frames = f.Server.FramesFromClient(Annotation);
        Assert.That(frames, Has.Count.EqualTo(1));
        var ann = (JObject)frames[0].Json["annotations"]![0]!;
        Assert.That(ann["data"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That(ann.Value<string>("encoding"), Is.EqualTo("json"));
        Assert.That(JToken.DeepEquals(JToken.Parse(ann.Value<string>("data")!), JObject.Parse("""{"key":"value","nested":{"a":1}}""")), Is.True);
    }

    // UTS: realtime/unit/RTAN1b/publish-channel-state-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN1b_PublishHasSameConnectionAndChannelStateConditionsAsMessagePublishing()
    {
        await using var f = ChannelFixture.Connected("test-RTAN1b", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Not permitted"), msg.Channel));
            }
        });
        f.Scheduler.AwaitFailure(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        // var error = f.Scheduler.AwaitFailure(f.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
        // Assert.That(error, Is.Not.Null);
        Assert.Fail("RealtimeChannel.Annotations.PublishAsync does not exist yet");
    }

    // UTS: realtime/unit/RTAN1d/publish-ack-nack-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN1d_PublishIndicatesSuccessOrFailureViaAckNack()
    {
        await using (var acked = Attached("test-RTAN1d-ack"))
        {
            // acked.Scheduler.Await(acked.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
            Assert.That(acked.Server.FramesFromClient(Annotation), Has.Count.EqualTo(1));
        }

        await using var nacked = Attached("test-RTAN1d-nack", nack: new ErrorInfo(40160, 401, "Not permitted"));
        // var error = nacked.Scheduler.AwaitFailure(nacked.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
        // Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(nacked.Server.FramesFromClient(Annotation), Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTAN2a/delete-sends-annotation-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN2a_DeleteSendsAnnotationProtocolMessageWithAnnotationDelete()
    {
        await using var f = Attached("test-RTAN2a");
        // f.Scheduler.Await(f.Channel.Annotations.DeleteAsync("msg-serial-1", new Annotation { Type = "com.example.reaction", Name = "like" }));
        var frames = f.Server.FramesFromClient(Annotation);
        Assert.That(frames, Has.Count.EqualTo(1));
        var ann = (JObject)frames[0].Json["annotations"]![0]!;
        Assert.That(ann.Value<int>("action"), Is.EqualTo(1), "ANNOTATION_DELETE");
        Assert.That(ann.Value<string>("messageSerial"), Is.EqualTo("msg-serial-1"));
        Assert.That(ann.Value<string>("type"), Is.EqualTo("com.example.reaction"));
        Assert.That(ann.Value<string>("name"), Is.EqualTo("like"));
    }

    // UTS: realtime/unit/RTAN4a/subscribe-delivers-annotations-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN4a_RTAN4b_SubscribeDeliversAnnotationsFromAnnotationProtocolMessage()
    {
        await using var f = Attached("test-RTAN4a", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var received = new List<JObject>();
        // using var subscription = f.Channel.Annotations.Subscribe().Subscribe(received.Add);
        var first = Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000);
        first["id"] = "ann-1";
        first["clientId"] = "user-1";
        var second = Ann("com.example.reaction", "heart", "ann-serial-2", 1700000001000);
        second["id"] = "ann-2";
        second["clientId"] = "user-2";
        SendAnnotations(f, first, second);

        // Assert: received[0] is an Annotation with Id "ann-1", Action AnnotationAction.Create, Type "com.example.reaction",
        // Name "like", ClientId "user-1", Serial "ann-serial-1", MessageSerial "msg-serial-1", Timestamp 1700000000000;
        // received[1] has Name "heart" and ClientId "user-2".
        Assert.That(received, Has.Count.EqualTo(2));
    }

    // UTS: realtime/unit/RTAN4c/subscribe-type-filter-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN4c_SubscribeWithTypeFilterDeliversOnlyMatchingAnnotations()
    {
        await using var f = Attached("test-RTAN4c", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var reactions = new List<JObject>();
        // using var subscription = f.Channel.Annotations.Subscribe("com.example.reaction").Subscribe(reactions.Add);
        SendAnnotations(
            f,
            Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000),
            Ann("com.example.comment", "text", "ann-serial-2", 1700000001000),
            Ann("com.example.reaction", "heart", "ann-serial-3", 1700000002000));

        Assert.That(reactions.Select(a => a.Value<string>("name")), Is.EqualTo(new[] { "like", "heart" }));
    }

    // UTS: realtime/unit/RTAN4d/subscribe-implicit-attach-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN4d_SubscribeImplicitlyAttachesChannel()
    {
        await using var f = ChannelFixture.Connected("test-RTAN4d", Server(Flags.Publish | AnnotationPublish | AnnotationSubscribe));
        // using var subscription = f.Channel.Annotations.Subscribe().Subscribe(_ => { });
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTAN4e/subscribe-warns-no-mode-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN4e_SubscribeWarnsWhenAnnotationSubscribeModeNotGranted()
    {
        var warnings = new List<string>();
        // The client is created with a log handler that keeps the WARN lines in `warnings`.
        await using var f = Attached("test-RTAN4e-warn", Flags.Publish, options: new ChannelOptions { AttachOnSubscribe = false });
        // using var subscription = f.Channel.Annotations.Subscribe().Subscribe(_ => { });
        Assert.That(warnings.Any(w => w.Contains("ANNOTATION_SUBSCRIBE", StringComparison.Ordinal)), Is.True);
    }

    // UTS: realtime/unit/RTAN4e1/no-warn-unattached-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN4e1_SubscribeDoesNotWarnWhenNotAttachedAndAttachOnSubscribeIsFalse()
    {
        var warnings = new List<string>();
        // The client is created with a log handler that keeps the WARN lines in `warnings`.
        await using var f = ChannelFixture.Connected("test-RTAN4e1", channelOptions: new ChannelOptions { AttachOnSubscribe = false });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        // using var subscription = f.Channel.Annotations.Subscribe().Subscribe(_ => { });
        Assert.That(warnings.Any(w => w.Contains("ANNOTATION_SUBSCRIBE", StringComparison.Ordinal)), Is.False);
        Assert.Fail("RealtimeChannel.Annotations.Subscribe does not exist yet");
    }

    // UTS: realtime/unit/RTAN5a/unsubscribe-removes-listeners-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN5a_UnsubscribeRemovesListeners()
    {
        await using var f = Attached("test-RTAN5-unsub", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var received = new List<JObject>();
        // var subscription = f.Channel.Annotations.Subscribe().Subscribe(received.Add);
        SendAnnotations(f, Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000));
        Assert.That(received, Has.Count.EqualTo(1));
        // subscription.Dispose();
        SendAnnotations(f, Ann("com.example.reaction", "heart", "ann-serial-2", 1700000001000));
        Assert.That(received, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTAN5a/unsubscribe-type-filter-1
    [Test]
    [Ignore(NotImplemented)]
    public async Task RTAN5a_UnsubscribeWithTypeRemovesOnlyTypeFilteredListener()
    {
        await using var f = Attached("test-RTAN5-unsub-type", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var reactions = new List<JObject>();
        var comments = new List<JObject>();
        // var reactionSubscription = f.Channel.Annotations.Subscribe("com.example.reaction").Subscribe(reactions.Add);
        // using var commentSubscription = f.Channel.Annotations.Subscribe("com.example.comment").Subscribe(comments.Add);
        // reactionSubscription.Dispose();
        SendAnnotations(
            f,
            Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000),
            Ann("com.example.comment", "text", "ann-serial-2", 1700000001000));

        Assert.That(reactions, Is.Empty, "the reaction listener was removed");
        Assert.That(comments, Has.Count.EqualTo(1));
        Assert.That(comments[0].Value<string>("type"), Is.EqualTo("com.example.comment"));
    }
}
