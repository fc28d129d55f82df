using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/mutable_messages.md (RSL1n, RSL11, RSL14, RSL15, RSAN1-RSAN3) against the emulator, once per
/// protocol, on <c>mutable:</c> channels.
/// The specs poll the eventually consistent store; the emulator's is consistent once the publish is answered.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/mutable_messages.md")]
public sealed class MutableMessagesTests : RestSandbox
{
    private static readonly object[] Protocols = ["json", "msgpack"];

    private RestChannel Channel(string protocol, string prefix) =>
        Rest(binary: protocol == "msgpack").Channels.Get("mutable:" + UniqueChannel(prefix));

    // UTS: rest/integration/RSL1n/publish-returns-serials-0
    [TestCaseSource(nameof(Protocols))]
    public async Task RSL1n_PublishReturnsSerials(string protocol)
    {
        var channel = Channel(protocol, "test-RSL1n-serials");

        var result1 = await Await(channel.PublishAsync("event1", "data1"));
        var result2 = await Await(channel.PublishAsync(new[] { new Message("event2", "data2"), new Message("event3", "data3"), new Message("event4", "data4") }));

        Assert.That(result1.Serials, Has.Count.EqualTo(1));
        Assert.That(result1.Serials[0], Is.Not.Null.And.Not.Empty);
        Assert.That(result2.Serials, Has.Count.EqualTo(3));
        Assert.That(result2.Serials, Is.All.Not.Null.And.Not.Empty);
        Assert.That(result2.Serials[0], Is.Not.EqualTo(result2.Serials[1]));
        Assert.That(result2.Serials[1], Is.Not.EqualTo(result2.Serials[2]));
    }

    // UTS: rest/integration/RSL11/get-message-by-serial-0
    [TestCaseSource(nameof(Protocols))]
    [Divergence("Reliably.Rx.Emulator stored and served published messages without an action; Ably marks them message.create (TM2j), and the emulator now does.")]
    public async Task RSL11_GetMessageRetrievesPublishedMessage(string protocol)
    {
        var channel = Channel(protocol, "test-RSL11-getMessage");
        var serial = (await Await(channel.PublishAsync("test-event", "hello world"))).Serials[0]!;

        var message = await Await(channel.GetMessageAsync(serial));

        Assert.That(message.Name, Is.EqualTo("test-event"));
        Assert.That(message.Data, Is.EqualTo("hello world"));
        Assert.That(message.Serial, Is.EqualTo(serial));
        Assert.That(message.Action, Is.EqualTo(MessageAction.Create));
        Assert.That(message.Timestamp, Is.Not.Null);
    }

    /// <summary>The common start of the mutation cases: a published message and its serial.</summary>
    private async Task<(RestChannel Channel, string Serial)> PublishedAsync(string protocol, string prefix, string name, string data)
    {
        var channel = Channel(protocol, prefix);
        var serial = (await Await(channel.PublishAsync(name, data))).Serials[0]!;
        Assert.That((await Await(channel.GetMessageAsync(serial))).Data, Is.EqualTo(data));
        return (channel, serial);
    }

    // UTS: rest/integration/RSL15/update-message-0
    [TestCaseSource(nameof(Protocols))]
    public async Task RSL15_UpdateMessage(string protocol)
    {
        var (channel, serial) = await PublishedAsync(protocol, "test-RSL15-update", "original", "original-data");
        var result = await Await(channel.UpdateMessageAsync(new Message("updated", "updated-data") { Serial = serial }, new MessageOperation { Description = "edited content" }));
        Assert.That(result.VersionSerial, Is.Not.Null.And.Not.Empty);
        var updated = await Await(channel.GetMessageAsync(serial));
        Assert.That((updated.Name, updated.Data, updated.Action), Is.EqualTo(("updated", (object)"updated-data", (MessageAction?)MessageAction.Update)));
        Assert.That(updated.Version?.Description, Is.EqualTo("edited content"));
    }

    // UTS: rest/integration/RSL15/delete-message-1
    [TestCaseSource(nameof(Protocols))]
    public async Task RSL15_DeleteMessage(string protocol)
    {
        var (channel, serial) = await PublishedAsync(protocol, "test-RSL15-delete", "to-delete", "delete-me");
        await Await(channel.DeleteMessageAsync(new Message { Serial = serial }, new MessageOperation { Description = "removed" }));
        var deleted = await Await(channel.GetMessageAsync(serial));
        Assert.That(deleted.Action, Is.EqualTo(MessageAction.Delete));
    }

    // UTS: rest/integration/RSL14/get-message-versions-0
    [TestCaseSource(nameof(Protocols))]
    public async Task RSL14_GetMessageVersions(string protocol)
    {
        var (channel, serial) = await PublishedAsync(protocol, "test-RSL14-versions", "v1", "version-1");
        await Await(channel.UpdateMessageAsync(new Message("v2", "version-2") { Serial = serial }, new MessageOperation { Description = "second version" }));
        var versions = await Await(channel.GetMessageVersionsAsync(serial));
        Assert.That(versions.Items, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(versions.Items.Select(v => v.Action), Does.Contain(MessageAction.Create).And.Contain(MessageAction.Update));
        Assert.That(serial, Is.Not.Empty);
    }

    // UTS: rest/integration/RSL15/append-message-2
    [TestCaseSource(nameof(Protocols))]
    public async Task RSL15_AppendMessage(string protocol)
    {
        var (channel, serial) = await PublishedAsync(protocol, "test-RSL15-append", "stream", "Hello");
        await Await(channel.AppendMessageAsync(new Message { Serial = serial, Data = " World" }));
        var appended = await Await(channel.GetMessageAsync(serial));
        Assert.That(appended.Data, Is.EqualTo("Hello World"));
    }

    // UTS: rest/integration/RSAN1/annotation-lifecycle-0
    [TestCaseSource(nameof(Protocols))]
    public async Task RSAN1_RSAN2_PublishAndDeleteAnnotations(string protocol)
    {
        var (channel, serial) = await PublishedAsync(protocol, "test-RSAN1-annotations", "annotated", "data");

        await channel.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" }).WaitAsync(Wait);
        var annotations = await Await(channel.Annotations.GetAsync(serial));
        var found = annotations.Items.Single(a => a.Type == "com.ably.reactions" && a.Name == "like");
        Assert.That(found.Action, Is.EqualTo(AnnotationAction.Create));
        Assert.That(found.MessageSerial, Is.EqualTo(serial));
        await channel.Annotations.DeleteAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" }).WaitAsync(Wait);
        var after = await Await(channel.Annotations.GetAsync(serial));
        Assert.That(after.Items.Select(a => a.Action), Is.EqualTo(new[] { AnnotationAction.Create, AnnotationAction.Delete }));
    }

    // UTS: rest/integration/RSAN3/get-annotations-paginated-0
    [TestCaseSource(nameof(Protocols))]
    public async Task RSAN3_GetAnnotationsReturnsPaginatedResult(string protocol)
    {
        var (channel, serial) = await PublishedAsync(protocol, "test-RSAN3-get", "annotated", "data");

        await channel.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "like" }).WaitAsync(Wait);
        await channel.Annotations.PublishAsync(serial, new Annotation { Type = "com.ably.reactions", Name = "heart" }).WaitAsync(Wait);
        var page = await Await(channel.Annotations.GetAsync(serial));
        Assert.That(page, Is.InstanceOf<PaginatedResult<Annotation>>());
        Assert.That(page.Items.Select(a => a.Name), Is.EquivalentTo(new[] { "like", "heart" }));
    }
}
