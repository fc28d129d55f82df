using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>uts/rest/unit/channel/publish_result.md (RSL1n, PBR2a): what <c>RestChannel#publish</c> returns.</summary>
[TestFixture]
[Category("uts/rest/unit/channel/publish_result.md")]
public sealed class PublishResultTests
{
    private static RestPublishResult Publish(string serials, params Message[] messages)
    {
        var mock = new MockHttp(req => req.RespondWith(201, serials));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        var channel = client.Channels.Get(MockHttp.RandomName("test-RSL1n"));
        return mock.Await(messages.Length == 1 ? channel.PublishAsync(messages[0].Name, messages[0].Data) : channel.PublishAsync(messages));
    }

    // UTS: rest/unit/RSL1n/publish-result-single-message-0
    [Test]
    public void RSL1n_PBR2a_PublishReturnsPublishResultWithSerialsForASingleMessage()
    {
        var result = Publish("""{"serials":["serial-abc"]}""", new Message("event", "hello"));

        Assert.That(result, Is.InstanceOf<RestPublishResult>());
        Assert.That(result.Serials, Is.InstanceOf<IReadOnlyList<string?>>());
        Assert.That(result.Serials, Has.Count.EqualTo(1));
        Assert.That(result.Serials[0], Is.EqualTo("serial-abc"));
    }

    // UTS: rest/unit/RSL1n/publish-result-batch-serials-1
    [Test]
    public void RSL1n_PublishReturnsPublishResultWithSerialsForABatch()
    {
        var result = Publish(
            """{"serials":["s1","s2","s3"]}""",
            new Message("event1", "data1"),
            new Message("event2", "data2"),
            new Message("event3", "data3"));

        Assert.That(result, Is.InstanceOf<RestPublishResult>());
        Assert.That(result.Serials, Is.EqualTo(new[] { "s1", "s2", "s3" }));
    }

    // UTS: rest/unit/RSL1n/publish-result-null-serial-2
    [Test]
    public void PBR2a_PublishResultKeepsANullSerialOfAConflatedMessage()
    {
        var result = Publish("""{"serials":[null,"s2"]}""", new Message("event1", "data1"), new Message("event2", "data2"));

        Assert.That(result.Serials, Has.Count.EqualTo(2));
        Assert.That(result.Serials[0], Is.Null);
        Assert.That(result.Serials[1], Is.EqualTo("s2"));
    }
}
