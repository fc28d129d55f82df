namespace Reliably.Rx.Conformance.Tests.Realtime.Integration;

/// <summary>
/// uts/realtime/integration/mutable_messages_test.md (RTL28, RTL31, RTL32, RTAN1, RTAN2, RTAN4), once per protocol
/// (json, msgpack): translated ahead of the features. Each body lists the case's calls as they will be written once the
/// API exists; channels are in the <c>mutable:</c> namespace (mutableMessages on in test-app-setup.json).
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/mutable_messages_test.md")]
public sealed class MutableMessagesTests
{
    private const string NoRealtimeMutations = "not implemented: realtime message updates, deletes and appends (RTL32)";
    private const string NoAnnotations = "not implemented: realtime annotations (RTAN)";

    // UTS: realtime/integration/RTL32/update-message-observed-0
    [Test]
    [Ignore(NoRealtimeMutations)]
    public void RTL32_UpdateAMessageViaRealtimeAndObserveOnSubscriber([Values("json", "msgpack")] string protocol)
    {
        // clientA, clientB connected; channelB attached and subscribed (received); channelA attached.
        // await channelA.PublishAsync("original", "v1"); await received.WaitForAsync(1); serial = received[0].Serial;
        // var result = await channelA.UpdateMessageAsync(new Message("updated", "v2") { Serial = serial }, new MessageOperation { Description = "edited" });
        // await received.WaitForAsync(2);
        // Assert: result.VersionSerial non-empty; received[0] is MessageCreate "original"/"v1" with a non-empty serial;
        // received[1] is MessageUpdate "updated"/"v2" with the same serial.
        Assert.Fail(NoRealtimeMutations);
    }

    // UTS: realtime/integration/RTL32/delete-message-observed-1
    [Test]
    [Ignore(NoRealtimeMutations)]
    public void RTL32_DeleteAMessageViaRealtimeAndObserveOnSubscriber([Values("json", "msgpack")] string protocol)
    {
        // Publish "to-delete"/"ephemeral"; serial from received[0];
        // var result = await channelA.DeleteMessageAsync(new Message { Serial = serial }); await received.WaitForAsync(2);
        // Assert: result.VersionSerial non-empty; received[1].Action == MessageDelete, same serial.
        Assert.Fail(NoRealtimeMutations);
    }

    // UTS: realtime/integration/RTL32/append-message-observed-2
    [Test]
    [Ignore(NoRealtimeMutations)]
    public void RTL32_AppendToAMessageViaRealtimeAndObserveOnSubscriber([Values("json", "msgpack")] string protocol)
    {
        // Publish "appendable"/"original"; serial from received[0];
        // var result = await channelA.AppendMessageAsync(new Message { Serial = serial, Data = "appended-data" }, new MessageOperation { Description = "thread reply" });
        // Assert: result.VersionSerial non-empty; received[1].Action == MessageAppend, Data "appended-data", same serial.
        Assert.Fail(NoRealtimeMutations);
    }

    // UTS: realtime/integration/RTL32/full-mutation-lifecycle-3
    [Test]
    [Ignore(NoRealtimeMutations)]
    public void RTL32_FullMutationLifecycleObservedInSequence([Values("json", "msgpack")] string protocol)
    {
        // Publish "lifecycle"/"v1"; update to "v2" ("edit 1"); append "reply-data" ("thread reply"); delete; await 4 received.
        // Assert: exactly 4, in order MessageCreate (v1), MessageUpdate (lifecycle, v2), MessageAppend (reply-data),
        // MessageDelete, all with the original serial.
        Assert.Fail(NoRealtimeMutations);
    }

    // UTS: realtime/integration/RTL28/get-message-and-versions-0
    [Test]
    [Ignore("not implemented: RealtimeChannel getMessage and getMessageVersions (RTL28, RTL31), and realtime updates (RTL32)")]
    public void RTL28_RTL31_GetMessageAndGetMessageVersionsFromRealtimeChannel([Values("json", "msgpack")] string protocol)
    {
        // One client; channel attached and subscribed; publish "versioned"/"v1"; update to "v2" then "v3";
        // msg = poll channel.GetMessageAsync(serial) until MessageUpdate with "v3";
        // versions = poll channel.GetMessageVersionsAsync(serial) until >= 3 items.
        // Assert: msg.Serial == serial, Data "v3", MessageUpdate; versions has >= 3 items, each with that serial.
        Assert.Fail("not implemented");
    }

    // UTS: realtime/integration/RTAN1/annotation-publish-delete-0
    [Test]
    [Ignore(NoAnnotations)]
    public void RTAN1_RTAN2_RTAN4_AnnotationPublishSubscribeAndDeleteViaRealtime([Values("json", "msgpack")] string protocol)
    {
        // channelA modes Publish|Subscribe|AnnotationPublish|AnnotationSubscribe; channelB Subscribe|AnnotationSubscribe.
        // channelB.Annotations subscribed (annotations); channelA messages subscribed; publish "annotatable"/"content";
        // await channelA.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" });
        // await channelA.Annotations.DeleteAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" });
        // Assert: 2 annotations: AnnotationCreate then AnnotationDelete, type com.ably.reactions, name like, MessageSerial == serial.
        Assert.Fail(NoAnnotations);
    }

    // UTS: realtime/integration/RTAN4c/annotation-type-filtering-0
    [Test]
    [Ignore(NoAnnotations)]
    public void RTAN4c_AnnotationSubscribeWithTypeFiltering([Values("json", "msgpack")] string protocol)
    {
        // channelB.Annotations filtered by type "com.ably.reactions" (filtered) and unfiltered (all);
        // publish "multi-type"; annotate like (com.ably.reactions), comment (com.example.comments), heart (com.ably.reactions).
        // Assert: all has 3; filtered has 2: like then heart, both com.ably.reactions.
        Assert.Fail(NoAnnotations);
    }

    // UTS: realtime/integration/RTAN4d/annotation-implicit-attach-0
    [Test]
    [Ignore(NoAnnotations)]
    public void RTAN4d_AnnotationSubscribeImplicitlyAttachesChannel([Values("json", "msgpack")] string protocol)
    {
        // Channel with mode AnnotationSubscribe, INITIALIZED; subscribing to channel.Annotations attaches it:
        // AWAIT_STATE channel ATTACHED.
        Assert.Fail(NoAnnotations);
    }
}
