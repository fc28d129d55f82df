using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>uts/rest/unit/channel/idempotency.md (RSL1k): idempotent REST publishing.</summary>
[TestFixture]
[Category("uts/rest/unit/channel/idempotency.md")]
public sealed class IdempotencyTests
{
    private static (MockHttp Mock, AblyRest Client) Setup(bool? idempotent = true, string serials = """{"serials":["s1"]}""")
    {
        var mock = new MockHttp(req => req.RespondWith(201, serials));
        return (mock, mock.Rest(o => o with { Key = "appId.keyId:keySecret", IdempotentRestPublishing = idempotent ?? o.IdempotentRestPublishing }));
    }

    // UTS: rest/unit/RSL1k1/idempotent-default-true-0
    [Test]
    public void RSL1k1_IdempotentRestPublishingDefaultsToTrue()
    {
        var (_, client) = Setup(idempotent: null);
        using var _ = client;

        Assert.That(client.Options.IdempotentRestPublishing, Is.True);
    }

    // UTS: rest/unit/RSL1k2/message-id-format-0
    [Test]
    public void RSL1k2_MessageIdFormatIsBaseColonSerial()
    {
        var (mock, client) = Setup();
        using var _ = client;

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1k2")).PublishAsync("event", "data"));

        var body = (JObject)MockHttp.Body(mock.Requests[0])[0]!;
        Assert.That(body.ContainsKey("id"), Is.True);
        var parts = ((string)body["id"]!).Split(':');
        Assert.That(parts, Has.Length.EqualTo(2));
        Assert.That(parts[0], Does.Match("^[A-Za-z0-9_-]+$"));
        Assert.That(parts[0].Length, Is.GreaterThanOrEqualTo(12));
        Assert.That(parts[1], Is.EqualTo("0"));
    }

    // UTS: rest/unit/RSL1k2/serial-increments-batch-1
    [Test]
    public void RSL1k2_SerialIncrementsWithinABatch()
    {
        var (mock, client) = Setup(serials: """{"serials":["s1","s2","s3"]}""");
        using var _ = client;

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1k2-batch")).PublishAsync(new[]
        {
            new Message("event1", "data1"), new Message("event2", "data2"), new Message("event3", "data3"),
        }));

        var ids = MockHttp.Body(mock.Requests[0]).Select(m => ((string)m["id"]!).Split(':')).ToList();
        Assert.That(ids.Select(p => p[0]).Distinct().Count(), Is.EqualTo(1));
        Assert.That(ids.Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    // UTS: rest/unit/RSL1k3/unique-base-ids-0
    [Test]
    public void RSL1k3_SeparatePublishesGetUniqueBaseIds()
    {
        var (mock, client) = Setup();
        using var _ = client;
        var channel = client.Channels.Get(MockHttp.RandomName("test-RSL1k3"));

        mock.Await(channel.PublishAsync("event1", "data1"));
        mock.Await(channel.PublishAsync("event2", "data2"));

        var base1 = ((string)MockHttp.Body(mock.Requests[0])[0]!["id"]!).Split(':')[0];
        var base2 = ((string)MockHttp.Body(mock.Requests[1])[0]!["id"]!).Split(':')[0];
        Assert.That(base1, Is.Not.EqualTo(base2));
    }

    // UTS: rest/unit/RSL1k3/no-id-when-disabled-1
    [Test]
    public void RSL1k3_NoIdGeneratedWhenIdempotentPublishingDisabled()
    {
        var (mock, client) = Setup(idempotent: false);
        using var _ = client;

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1k3-disabled")).PublishAsync("event", "data"));

        Assert.That(((JObject)MockHttp.Body(mock.Requests[0])[0]!).ContainsKey("id"), Is.False);
    }

    // UTS: rest/unit/RSL1k/client-id-preserved-0
    [Test]
    public void RSL1k_ClientSuppliedIdPreserved()
    {
        var (mock, client) = Setup();
        using var _ = client;

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1k-preserved")).PublishAsync(new Message("event", "data") { Id = "my-custom-id" }));

        Assert.That((string?)MockHttp.Body(mock.Requests[0])[0]!["id"], Is.EqualTo("my-custom-id"));
    }

    // UTS: rest/unit/RSL1k2/same-id-on-retry-2
    [Test]
    public void RSL1k2_SameIdUsedOnRetry()
    {
        var requests = 0;
        var mock = new MockHttp(req =>
        {
            if (++requests == 1)
            {
                req.RespondWith(500, """{"error":{"code":50000}}""");
            }
            else
            {
                req.RespondWith(201, """{"serials":["s1"]}""");
            }
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", IdempotentRestPublishing = true });

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1k2-retry")).PublishAsync("event", "data"));

        Assert.That(requests, Is.EqualTo(2));
        Assert.That((string?)MockHttp.Body(mock.Requests[0])[0]!["id"], Is.EqualTo((string?)MockHttp.Body(mock.Requests[1])[0]!["id"]));
    }

    // UTS: rest/unit/RSL1k/mixed-ids-in-batch-1
    [Test]
    [Ignore("UTS spec error: the case expects a library-generated id for the one message without an id in a batch where others carry ids; features.md RSL1k1 generates ids only when all messages have an empty id, and RSL1k3 says that when one or more messages carry an id, all message ids (present or absent) are preserved, so the middle message is sent without one.")]
    [Divergence("A REST batch mixing messages with and without ids got generated ids for the ones without; per RSL1k1/RSL1k3 ids are now generated only when no message of the publish has one (regression test: Reliably.Rx.Tests RestChannelTests.RSL1k3_WhenAnyMessageOfABatchHasAnId_NoIdIsGenerated).")]
    public void RSL1k_MixedClientAndLibraryIdsInBatch()
    {
        var (mock, client) = Setup(serials: """{"serials":["s1","s2","s3"]}""");
        using var _ = client;

        mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSL1k-mixed")).PublishAsync(new[]
        {
            new Message("event1", "data1") { Id = "client-id-1" },
            new Message("event2", "data2"),
            new Message("event3", "data3") { Id = "client-id-2" },
        }));

        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That((string?)body[0]!["id"], Is.EqualTo("client-id-1"));
        Assert.That((string?)body[2]!["id"], Is.EqualTo("client-id-2"));
        Assert.That((string?)body[1]!["id"], Does.Match("^[A-Za-z0-9_-]+:[0-9]+$"));
    }
}
