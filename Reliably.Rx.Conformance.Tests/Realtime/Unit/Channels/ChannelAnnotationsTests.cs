using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_annotations.md (RTL26, RTAN1-RTAN5): <c>channel.annotations</c>. The spec's
/// <c>subscribe(type?, listener)</c> is <see cref="RealtimeAnnotations.Events"/> / <see cref="RealtimeAnnotations.EventsOf"/>
/// (as <see cref="RealtimePresence.Events"/>), and <c>unsubscribe</c> disposing the subscription. RTAN3a (get) defers to
/// rest/unit/channel/annotations.md; its case runs that file's RSAN3 checks on a realtime channel.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_annotations.md")]
public sealed class ChannelAnnotationsTests
{
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

    private static ChannelFixture Attached(string name, int flags = Flags.Publish | AnnotationPublish, ErrorInfo? nack = null, ChannelOptions? options = null, Func<ClientOptions, ClientOptions>? configure = null) =>
        ChannelFixture.Attached(name, Server(flags, nack), configure, channelOptions: options);

    private static readonly Annotation Like = new() { Type = "com.example.reaction", Name = "like" };

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
    public async Task RTL26_ChannelAnnotationsReturnsRealtimeAnnotations()
    {
        await using var f = ChannelFixture.Connected("test-RTL26");
        Assert.That(f.Channel.Annotations, Is.TypeOf<RealtimeAnnotations>());
        Assert.That(f.Channel.Annotations, Is.SameAs(f.Channel.Annotations));
        Assert.That(f.Channel.Annotations.Channel, Is.SameAs(f.Channel));
    }

    // UTS: realtime/unit/RTAN1a/publish-sends-annotation-0
    [Test]
    public async Task RTAN1a_RTAN1c_PublishSendsAnnotationProtocolMessageWithAnnotationCreate()
    {
        await using var f = Attached("test-RTAN1a");
        f.Scheduler.Await(f.Channel.Annotations.PublishAsync("msg-serial-1", Like));
        var frames = f.Server.FramesFromClient(Annotation);
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Channel, Is.EqualTo("test-RTAN1a"));
        var ann = (JObject)frames[0].Json["annotations"]![0]!;
        Assert.That(ann.Value<int>("action"), Is.EqualTo(0), "ANNOTATION_CREATE");
        Assert.That(ann.Value<string>("messageSerial"), Is.EqualTo("msg-serial-1"));
        Assert.That(ann.Value<string>("type"), Is.EqualTo("com.example.reaction"));
        Assert.That(ann.Value<string>("name"), Is.EqualTo("like"));
        Assert.That(Like.MessageSerial, Is.Null, "the caller's annotation is not changed");
    }

    // UTS: realtime/unit/RTAN1a/validates-type-required-1
    [Test]
    public async Task RTAN1a_PublishValidatesTypeIsRequired()
    {
        await using var f = Attached("test-RTAN1a-validate");
        var error = f.Scheduler.AwaitFailure(f.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Name = "like" }));
        Assert.That(error.Code, Is.EqualTo(40003));
        Assert.That(f.Scheduler.AwaitFailure(f.Channel.Annotations.PublishAsync("", Like)).Code, Is.EqualTo(40003), "RSAN1a: a serial is required too");
        Assert.That(f.Scheduler.AwaitFailure(f.Channel.Annotations.PublishAsync(new Message(), Like)).Code, Is.EqualTo(40003), "RSAN1a1: a message without a serial");
        Assert.That(f.Server.FramesFromClient(Annotation), Is.Empty);
    }

    // UTS: realtime/unit/RTAN1a/encodes-data-json-2
    [Test]
    public async Task RTAN1a_PublishEncodesDataPerRSL4()
    {
        await using var f = Attached("test-RTAN1a-encode");
        f.Scheduler.Await(f.Channel.Annotations.PublishAsync("msg-serial-1", new Annotation { Type = "com.example.data", Data = JObject.Parse("""{"key":"value","nested":{"a":1}}""") }));
        var frames = f.Server.FramesFromClient(Annotation);
        Assert.That(frames, Has.Count.EqualTo(1));
        var ann = (JObject)frames[0].Json["annotations"]![0]!;
        Assert.That(ann["data"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That(ann.Value<string>("encoding"), Is.EqualTo("json"));
        Assert.That(JToken.DeepEquals(JToken.Parse(ann.Value<string>("data")!), JObject.Parse("""{"key":"value","nested":{"a":1}}""")), Is.True);
    }

    // UTS: realtime/unit/RTAN1b/publish-channel-state-0
    [Test]
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
        var error = f.Scheduler.AwaitFailure(f.Channel.Annotations.PublishAsync("msg-serial-1", Like));
        Assert.That(error.Code, Is.EqualTo(90001), "RTL6c4: not on a FAILED channel");
        Assert.That(f.Server.FramesFromClient(Annotation), Is.Empty);
    }

    // UTS: realtime/unit/RTAN1d/publish-ack-nack-0
    [Test]
    public async Task RTAN1d_PublishIndicatesSuccessOrFailureViaAckNack()
    {
        await using (var acked = Attached("test-RTAN1d-ack"))
        {
            acked.Scheduler.Await(acked.Channel.Annotations.PublishAsync("msg-serial-1", Like));
            Assert.That(acked.Server.FramesFromClient(Annotation), Has.Count.EqualTo(1));
        }

        await using var nacked = Attached("test-RTAN1d-nack", nack: new ErrorInfo(40160, 401, "Not permitted"));
        var error = nacked.Scheduler.AwaitFailure(nacked.Channel.Annotations.PublishAsync("msg-serial-1", Like));
        Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(nacked.Server.FramesFromClient(Annotation), Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTAN2a/delete-sends-annotation-0
    [Test]
    public async Task RTAN2a_DeleteSendsAnnotationProtocolMessageWithAnnotationDelete()
    {
        await using var f = Attached("test-RTAN2a");
        f.Scheduler.Await(f.Channel.Annotations.DeleteAsync("msg-serial-1", Like));
        var frames = f.Server.FramesFromClient(Annotation);
        Assert.That(frames, Has.Count.EqualTo(1));
        var ann = (JObject)frames[0].Json["annotations"]![0]!;
        Assert.That(ann.Value<int>("action"), Is.EqualTo(1), "ANNOTATION_DELETE");
        Assert.That(ann.Value<string>("messageSerial"), Is.EqualTo("msg-serial-1"));
        Assert.That(ann.Value<string>("type"), Is.EqualTo("com.example.reaction"));
        Assert.That(ann.Value<string>("name"), Is.EqualTo("like"));
    }

    // RTAN3a: "get is identical to RestAnnotations#get"; the spec defers to uts/rest/unit/channel/annotations.md (RSAN3).
    [Test]
    public async Task RTAN3_RTAN3a_GetIsIdenticalToRestAnnotationsGet()
    {
        await using var f = ChannelFixture.Connected("test-RTAN3a");
        var requests = f.AnswerHttp("""
            [{"id":"ann-1","action":0,"type":"com.example.reaction","name":"like","clientId":"user-1","count":1,"data":"thumbs-up",
              "serial":"ann-serial-1","messageSerial":"msg-serial-1","timestamp":1700000000000,"extras":{"custom":"metadata"}},
             {"id":"ann-2","action":1,"type":"com.example.reaction","name":"heart","clientId":"user-2","serial":"ann-serial-2",
              "messageSerial":"msg-serial-1","timestamp":1700000001000}]
            """);

        var result = f.Scheduler.Await(f.Channel.Annotations.GetAsync("msg-serial-1", new Dictionary<string, string> { ["limit"] = "50" }));

        // RSAN3b: a GET to the message's annotations endpoint, the params as the query string.
        Assert.That(requests, Has.Count.EqualTo(1));
        Assert.That(requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(requests[0].Path, Is.EqualTo("/channels/test-RTAN3a/messages/msg-serial-1/annotations"));
        Assert.That(requests[0].Query("limit"), Is.EqualTo("50"));

        // RSAN3c: a PaginatedResult of decoded annotations.
        Assert.That(result.Items, Has.Count.EqualTo(2));
        var first = result.Items[0];
        Assert.That((first.Id, first.Action, first.Type, first.Name, first.ClientId), Is.EqualTo(("ann-1", AnnotationAction.Create, "com.example.reaction", "like", "user-1")));
        Assert.That((first.Count, first.Data, first.Serial, first.MessageSerial), Is.EqualTo(((int?)1, (object?)"thumbs-up", "ann-serial-1", "msg-serial-1")));
        Assert.That(first.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)));
        Assert.That((string?)first.Extras!["custom"], Is.EqualTo("metadata"));
        Assert.That((result.Items[1].Id, result.Items[1].Action), Is.EqualTo(("ann-2", AnnotationAction.Delete)));
    }

    // UTS: realtime/unit/RTAN4a/subscribe-delivers-annotations-0
    [Test]
    public async Task RTAN4a_RTAN4b_SubscribeDeliversAnnotationsFromAnnotationProtocolMessage()
    {
        await using var f = Attached("test-RTAN4a", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var received = new List<Annotation>();
        using var subscription = f.Channel.Annotations.Events.Subscribe(received.Add);
        var first = Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000);
        first["id"] = "ann-1";
        first["clientId"] = "user-1";
        var second = Ann("com.example.reaction", "heart", "ann-serial-2", 1700000001000);
        second["id"] = "ann-2";
        second["clientId"] = "user-2";
        SendAnnotations(f, first, second);

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[0], Is.EqualTo(new Annotation
        {
            Id = "ann-1", Action = AnnotationAction.Create, Type = "com.example.reaction", Name = "like", ClientId = "user-1",
            Serial = "ann-serial-1", MessageSerial = "msg-serial-1", Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000),
        }));
        Assert.That((received[1].Name, received[1].ClientId), Is.EqualTo(("heart", "user-2")));
    }

    // UTS: realtime/unit/RTAN4c/subscribe-type-filter-0
    [Test]
    public async Task RTAN4c_SubscribeWithTypeFilterDeliversOnlyMatchingAnnotations()
    {
        await using var f = Attached("test-RTAN4c", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var reactions = new List<Annotation>();
        using var subscription = f.Channel.Annotations.EventsOf("com.example.reaction").Subscribe(reactions.Add);
        SendAnnotations(
            f,
            Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000),
            Ann("com.example.comment", "text", "ann-serial-2", 1700000001000),
            Ann("com.example.reaction", "heart", "ann-serial-3", 1700000002000));

        Assert.That(reactions.Select(a => a.Name), Is.EqualTo(new[] { "like", "heart" }));
    }

    // UTS: realtime/unit/RTAN4d/subscribe-implicit-attach-0
    [Test]
    public async Task RTAN4d_SubscribeImplicitlyAttachesChannel()
    {
        await using var f = ChannelFixture.Connected("test-RTAN4d", Server(Flags.Publish | AnnotationPublish | AnnotationSubscribe));
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        using var subscription = f.Channel.Annotations.Events.Subscribe(_ => { });
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTAN4e/subscribe-warns-no-mode-0
    [Test]
    public async Task RTAN4e_SubscribeWarnsWhenAnnotationSubscribeModeNotGranted()
    {
        var logs = new CapturedLogs(LogLevel.Warning);
        await using var f = Attached("test-RTAN4e-warn", Flags.Publish, options: new ChannelOptions { AttachOnSubscribe = false }, configure: o => o with { LoggerFactory = logs });
        using var subscription = f.Channel.Annotations.Events.Subscribe(_ => { });
        var warnings = logs.Logs.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList();
        Assert.That(warnings.Any(w => w.Contains("ANNOTATION_SUBSCRIBE", StringComparison.Ordinal)), Is.True);
    }

    // RTAN4e: the check is on the modes granted, so a channel attached with ANNOTATION_SUBSCRIBE does not warn.
    [Test]
    public async Task RTAN4e_SubscribeDoesNotWarnWhenTheModeIsGranted()
    {
        var logs = new CapturedLogs(LogLevel.Warning);
        await using var f = Attached("test-RTAN4e-granted", Flags.Publish | AnnotationSubscribe, configure: o => o with { LoggerFactory = logs });
        using var subscription = f.Channel.Annotations.Events.Subscribe(_ => { });
        f.Scheduler.ProcessPendingEvents();
        Assert.That(logs.Logs.Any(l => l.Message.Contains("ANNOTATION_SUBSCRIBE", StringComparison.Ordinal)), Is.False);
    }

    // UTS: realtime/unit/RTAN4e1/no-warn-unattached-0
    [Test]
    public async Task RTAN4e1_SubscribeDoesNotWarnWhenNotAttachedAndAttachOnSubscribeIsFalse()
    {
        var logs = new CapturedLogs(LogLevel.Warning);
        await using var f = ChannelFixture.Connected("test-RTAN4e1", configure: o => o with { LoggerFactory = logs }, channelOptions: new ChannelOptions { AttachOnSubscribe = false });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        using var subscription = f.Channel.Annotations.Events.Subscribe(_ => { });
        f.Scheduler.ProcessPendingEvents();
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(logs.Logs.Any(l => l.Message.Contains("ANNOTATION_SUBSCRIBE", StringComparison.Ordinal)), Is.False);
    }

    // UTS: realtime/unit/RTAN5a/unsubscribe-removes-listeners-0
    [Test]
    public async Task RTAN5a_UnsubscribeRemovesListeners()
    {
        await using var f = Attached("test-RTAN5-unsub", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var received = new List<Annotation>();
        var subscription = f.Channel.Annotations.Events.Subscribe(received.Add);
        SendAnnotations(f, Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000));
        Assert.That(received, Has.Count.EqualTo(1));
        subscription.Dispose();
        SendAnnotations(f, Ann("com.example.reaction", "heart", "ann-serial-2", 1700000001000));
        Assert.That(received, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTAN5a/unsubscribe-type-filter-1
    [Test]
    public async Task RTAN5a_UnsubscribeWithTypeRemovesOnlyTypeFilteredListener()
    {
        await using var f = Attached("test-RTAN5-unsub-type", Flags.Publish | AnnotationPublish | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var reactions = new List<Annotation>();
        var comments = new List<Annotation>();
        var reactionSubscription = f.Channel.Annotations.EventsOf("com.example.reaction").Subscribe(reactions.Add);
        using var commentSubscription = f.Channel.Annotations.EventsOf("com.example.comment").Subscribe(comments.Add);
        reactionSubscription.Dispose();
        SendAnnotations(
            f,
            Ann("com.example.reaction", "like", "ann-serial-1", 1700000000000),
            Ann("com.example.comment", "text", "ann-serial-2", 1700000001000));

        Assert.That(reactions, Is.Empty, "the reaction listener was removed");
        Assert.That(comments, Has.Count.EqualTo(1));
        Assert.That(comments[0].Type, Is.EqualTo("com.example.comment"));
    }

    // RTAN4b with RTL15b: annotations and summaries keep the channel's one order, and the position advances with ANNOTATION.
    [Test]
    public async Task RTAN4b_AnnotationsAndMessagesShareTheChannelsOrder()
    {
        await using var f = Attached("test-RTAN4b-order", Flags.Publish | Flags.Subscribe | AnnotationSubscribe, options: new ChannelOptions { AttachOnSubscribe = false });
        var events = new List<string>();
        using var subscription = f.Channel.Events().Subscribe(n => events.Add(n switch
        {
            AnnotationNotification a => "annotation:" + a.Annotation.Name,
            MessageNotification m => "message:" + m.Message.Action,
            _ => "other",
        }));
        f.Server.SendToClient(ChannelMocks.Frame(new JObject
        {
            ["action"] = (int)Annotation, ["channel"] = f.Channel.Name, ["channelSerial"] = "cs-1",
            ["annotations"] = new JArray(Ann("r:distinct.v1", "like", "a1", 1)),
        }));
        f.Server.SendToClient(ChannelMocks.Frame(new JObject
        {
            ["action"] = 15, ["channel"] = f.Channel.Name, ["channelSerial"] = "cs-2",
            ["messages"] = new JArray(new JObject { ["action"] = 4, ["serial"] = "msg-serial-1", ["annotations"] = new JObject { ["summary"] = new JObject() } }),
        }));
        f.Scheduler.ProcessPendingEvents();
        Assert.That(events.Where(e => e != "other"), Is.EqualTo(new[] { "annotation:like", "message:Summary" }));
    }
}
