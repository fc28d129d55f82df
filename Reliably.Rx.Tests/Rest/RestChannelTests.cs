using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Rest;

[TestFixture]
public sealed class RestChannelTests
{
    private static FakeHttpHandler Created() => new(r => r.Method == HttpMethod.Post
        ? FakeHttpHandler.Json(HttpStatusCode.Created, "{\"serials\":[\"a\",\"b\",\"c\"]}")
        : FakeHttpHandler.Json("[]"));

    [TestCase("")]
    [TestCase("  ")]
    [TestCase("bad\nname")]
    [TestCase("[qualifier")]
    public void RSN_InvalidChannelNameFailsWith40010(string name)
    {
        using var rest = TestClients.Rest(Created());
        var ex = Assert.Throws<AblyException>(() => rest.Channels.Get(name));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidChannelName));
    }

    [Test]
    public void RSN3a_GetReturnsTheSameChannelAndRSN4_ReleaseForgetsIt()
    {
        using var rest = TestClients.Rest(Created());
        var first = rest.Channels.Get("c");
        Assert.That(rest.Channels.Get("c"), Is.SameAs(first));
        Assert.That(rest.Channels.Exists("c"), Is.True);
        Assert.That(rest.Channels.Release("c"), Is.True);
        Assert.That(rest.Channels.Get("c"), Is.Not.SameAs(first));
    }

    [Test]
    public async Task RSL1k1_BatchGetsIdempotentIdsBaseColonIndex()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        var result = await rest.Channels.Get("c").PublishAsync(new[] { new Message("a", "1"), new Message("b", "2"), new Message("c", "3") });

        var body = (JArray)handler.Requests.Single().BodyJson;
        var ids = body.Select(m => (string)m["id"]!).ToList();
        var baseId = ids[0][..ids[0].LastIndexOf(':')];
        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.EqualTo(new[] { baseId + ":0", baseId + ":1", baseId + ":2" }));
            Assert.That(baseId, Does.Match("^[A-Za-z0-9_-]{12,}$"), "url-safe base64 of at least 9 bytes");
            Assert.That(result.Serials, Is.EqualTo(new[] { "a", "b", "c" }));
        });
    }

    [Test]
    public async Task RSL1k2_ClientSuppliedIdsAreKept()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync(new Message("a", "1") { Id = "mine" });

        Assert.That((string?)handler.Requests.Single().BodyJson[0]!["id"], Is.EqualTo("mine"));
    }

    [Test]
    public async Task RSL1k3_WhenAnyMessageOfABatchHasAnId_NoIdIsGenerated()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync(new[] { new Message("a", "1") { Id = "mine" }, new Message("b", "2") });
        await rest.Channels.Get("c").PublishAsync(new[] { new Message("c", "3"), new Message("d", "4") });

        var mixed = (JArray)handler.Requests[0].BodyJson;
        Assert.That((string?)mixed[0]!["id"], Is.EqualTo("mine"), "RSL1k3: present ids are preserved");
        Assert.That(((JObject)mixed[1]!).ContainsKey("id"), Is.False, "RSL1k3: absent ids are preserved too");
        var positive = (JArray)handler.Requests[1].BodyJson;
        Assert.That(positive.Select(m => (string?)m["id"]), Has.All.Match("^[A-Za-z0-9_-]{12,}:[01]$"), "RSL1k1: with no id at all, each gets one");
    }

    [Test]
    public async Task RSL1k3_SeparatePublishesGetDifferentBases()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync("a", "1");
        await rest.Channels.Get("c").PublishAsync("b", "2");

        var first = (string)handler.Requests[0].BodyJson[0]!["id"]!;
        var second = (string)handler.Requests[1].BodyJson[0]!["id"]!;
        Assert.That(first.Split(':')[0], Is.Not.EqualTo(second.Split(':')[0]));
    }

    [Test]
    public void RSL1k1_IdempotentPublishingIsOnByDefault() => Assert.That(new ClientOptions().IdempotentRestPublishing, Is.True);

    [Test]
    public async Task TO3n_IdempotentPublishingCanBeTurnedOff()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler, o => o with { IdempotentRestPublishing = false });

        await rest.Channels.Get("c").PublishAsync("a", "1");

        Assert.That(handler.Requests.Single().BodyJson[0]!["id"], Is.Null);
    }

    [Test]
    public async Task RSL1_JsonDataAndTypedObjectsAreSentWithJsonEncoding()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);
        var channel = rest.Channels.Get("c");

        await channel.PublishAsync("obj", new { Hello = "world", N = 1 });
        await channel.PublishAsync("tok", MessageData.Json(new[] { 1, 2 }));

        var first = handler.Requests[0].BodyJson[0]!;
        Assert.That((string?)first["encoding"], Is.EqualTo("json"));
        Assert.That(JToken.Parse((string)first["data"]!)["Hello"]!.ToString(), Is.EqualTo("world"));
        Assert.That((string?)handler.Requests[1].BodyJson[0]!["data"], Is.EqualTo("[1,2]"));
    }

    [Test]
    public void RSL1i_MessageOverMaxSizeFailsWith40009BeforeSending()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").PublishAsync("big", new string('x', 65537)));

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task TM6_SizeCountsNameDataClientIdAndExtrasButNotBase64()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);
        var channel = rest.Channels.Get("c");

        // 65536 bytes of binary: base64 on the JSON wire is larger, but the size is of the bytes.
        await channel.PublishAsync(null, new byte[65536]);
        var ex = Assert.ThrowsAsync<AblyException>(() => channel.PublishAsync("n", new byte[65536]));

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge), "the one-byte name tips it over");
        Assert.That(Reliably.Rx.PayloadEncoding.MessageSize.Of(new Message("ab", "cd") { ClientId = "é", Extras = new JObject { ["x"] = 1 } }),
            Is.EqualTo(2 + 2 + 2 + "{\"x\":1}".Length));
    }

    [TestCase(1000, true)]
    [TestCase(1024, true)]
    [TestCase(1025, false)]
    [TestCase(10000, false)]
    public async Task RSL1i_MaxMessageSizeOption(int size, bool accepted)
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler, o => o with { MaxMessageSize = 1024 + "event".Length });
        var publish = rest.Channels.Get("c").PublishAsync("event", new string('x', size));

        if (accepted)
        {
            await publish;
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
        }
        else
        {
            Assert.That(Assert.ThrowsAsync<AblyException>(() => publish)!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
            Assert.That(handler.Requests, Is.Empty);
        }
    }

    [TestCase(null, "hello")]
    [TestCase("event", null)]
    [TestCase(null, null)]
    public async Task RSL1e_NullNameAndDataAreOmitted(string? name, string? data)
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync(name, data);

        var body = (JObject)handler.Requests.Single().BodyJson[0]!;
        Assert.That(body.ContainsKey("name"), Is.EqualTo(name is not null));
        Assert.That(body.ContainsKey("data"), Is.EqualTo(data is not null));
    }

    [Test]
    public async Task RSL1j_AllMessageAttributesAreTransmitted()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync(new Message("test-event", "test-data")
        {
            ClientId = "explicit-client-id",
            Id = "custom-message-id",
            Extras = JObject.Parse("{\"push\":{\"notification\":{\"title\":\"Test\"}}}"),
        });

        var body = handler.Requests.Single().BodyJson[0]!;
        Assert.That((string?)body["name"], Is.EqualTo("test-event"));
        Assert.That((string?)body["data"], Is.EqualTo("test-data"));
        Assert.That((string?)body["id"], Is.EqualTo("custom-message-id"));
        Assert.That((string?)body["clientId"], Is.EqualTo("explicit-client-id"));
        Assert.That((string?)body["extras"]!["push"]!["notification"]!["title"], Is.EqualTo("Test"));
    }

    [Test]
    public async Task RSL1m1_LibraryClientIdIsNotInjectedAndRSL1m3_UnidentifiedClientsMayNameOne()
    {
        var handler = Created();
        using var identified = TestClients.Rest(handler, o => o with { ClientId = "lib-client" });
        using var unidentified = TestClients.Rest(handler);

        await identified.Channels.Get("c").PublishAsync("e", "d");
        await unidentified.Channels.Get("c").PublishAsync(new Message("e", "d") { ClientId = "msg-client" });

        Assert.That(((JObject)handler.Requests[0].BodyJson[0]!).ContainsKey("clientId"), Is.False);
        Assert.That((string?)handler.Requests[1].BodyJson[0]!["clientId"], Is.EqualTo("msg-client"));
    }

    [Test]
    public void RSL1m4_MessageClientIdMustMatchTheClients()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler, o => o with { ClientId = "alice" });
        var channel = rest.Channels.Get("c");

        Assert.That(Assert.ThrowsAsync<AblyException>(() => channel.PublishAsync(new Message("n", "d") { ClientId = "bob" }))!.Code,
            Is.EqualTo(ErrorCodes.InvalidClientId));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => channel.PublishAsync(new Message("n", "d") { ClientId = "*" }))!.Code,
            Is.EqualTo(ErrorCodes.InvalidClientId));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task RSL1m_MatchingClientIdIsSent()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler, o => o with { ClientId = "alice" });

        await rest.Channels.Get("c").PublishAsync(new Message("n", "d") { ClientId = "alice" });

        Assert.That((string?)handler.Requests.Single().BodyJson[0]!["clientId"], Is.EqualTo("alice"));
    }

    [Test]
    public void PublishingNothingOrNullFailsWith40003()
    {
        using var rest = TestClients.Rest(Created());
        var channel = rest.Channels.Get("c");
        Assert.That(Assert.ThrowsAsync<AblyException>(() => channel.PublishAsync(Array.Empty<Message>()))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => channel.PublishAsync((Message)null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public async Task RSL1l_PublishParamsGoInTheQuery()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").PublishAsync(new[] { new Message("n", "d") }, new Dictionary<string, string> { ["quickAck"] = "true" });

        Assert.That(handler.Requests.Single().Query["quickAck"], Is.EqualTo("true"));
    }

    [Test]
    public async Task RSL2b_HistoryQueryParameters()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").HistoryAsync(new HistoryQuery
        {
            Start = DateTimeOffset.FromUnixTimeMilliseconds(1000),
            End = DateTimeOffset.FromUnixTimeMilliseconds(2000),
            Direction = PaginationDirection.Forwards,
            Limit = 50,
        });

        var query = handler.Requests.Single().Query;
        Assert.That(query["start"], Is.EqualTo("1000"));
        Assert.That(query["end"], Is.EqualTo("2000"));
        Assert.That(query["direction"], Is.EqualTo("forwards"));
        Assert.That(query["limit"], Is.EqualTo("50"));
    }

    [TestCase(0)]
    [TestCase(1001)]
    public void RSL2b3_InvalidLimitFailsWith40003(int limit)
    {
        using var rest = TestClients.Rest(Created());
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync(new HistoryQuery { Limit = limit }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public void RSL2b1_StartAfterEndFailsWith40003EvenForTheLazyEnumerable()
    {
        using var rest = TestClients.Rest(Created());
        var query = new HistoryQuery { Start = DateTimeOffset.FromUnixTimeMilliseconds(2), End = DateTimeOffset.FromUnixTimeMilliseconds(1) };
        Assert.That(Assert.Throws<AblyException>(() => rest.Channels.Get("c").History(query))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));

        // The positive control: start equal to end is allowed (RSL2b1, "equal to or less than").
        var instant = new HistoryQuery { Start = DateTimeOffset.FromUnixTimeMilliseconds(1), End = DateTimeOffset.FromUnixTimeMilliseconds(1) };
        Assert.That(rest.Channels.Get("c").History(instant), Is.Not.Null);
        Assert.DoesNotThrowAsync(() => rest.Channels.Get("c").HistoryAsync(instant));
    }

    [Test]
    public async Task RSP3a_PresenceGetParameters()
    {
        var handler = Created();
        using var rest = TestClients.Rest(handler);

        await rest.Channels.Get("c").Presence.GetAsync(limit: 10, clientId: "alice", connectionId: "conn");
        await rest.Channels.Get("c").Presence.HistoryAsync();

        Assert.That(handler.Requests[0].Path, Is.EqualTo("/channels/c/presence"));
        Assert.That(handler.Requests[0].Query, Is.EquivalentTo(new Dictionary<string, string> { ["limit"] = "10", ["clientId"] = "alice", ["connectionId"] = "conn" }));
        Assert.That(handler.Requests[1].Path, Is.EqualTo("/channels/c/presence/history"));
    }

    [Test]
    public async Task RSC6_StatsQueryParametersAndDecoding()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("[{\"intervalId\":\"2024-01-01:00:00\",\"unit\":\"hour\",\"entries\":{\"messages.all.all.count\":3}}]"));
        using var rest = TestClients.Rest(handler);

        var page = await rest.StatsAsync(new StatsQuery { Unit = StatsUnit.Hour, Limit = 1 });

        Assert.That(handler.Requests.Single().Query["unit"], Is.EqualTo("hour"));
        Assert.That(page.Items.Single()["messages.all.all.count"], Is.EqualTo(3));
    }

    [Test]
    public async Task RSL8_StatusIsReadAsChannelDetails()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("{\"channelId\":\"c\",\"status\":{\"isActive\":true,\"occupancy\":{\"metrics\":{\"connections\":2}}}}"));
        using var rest = TestClients.Rest(handler);

        var details = await rest.Channels.Get("c").StatusAsync();

        Assert.That(handler.Requests.Single().Path, Is.EqualTo("/channels/c"));
        Assert.That(details.ChannelId, Is.EqualTo("c"));
        Assert.That(details.Status!.Occupancy!.Metrics!.Connections, Is.EqualTo(2));
    }
}
