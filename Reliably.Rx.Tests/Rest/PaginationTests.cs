using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Http;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Rest;

[TestFixture]
public sealed class PaginationTests
{
    /// <summary>Three pages of two messages each, linked like the real service (PROTOCOL.md 7.1).</summary>
    private static FakeHttpHandler ThreePages() => new(r =>
    {
        var page = r.Query.TryGetValue("page", out var p) ? int.Parse(p) : 1;
        var items = new JArray(Enumerable.Range(0, 2).Select(i => new JObject { ["name"] = $"p{page}m{i}", ["data"] = "x" }));
        var links = "<./messages?limit=2&page=1>; rel=\"first\", <./messages?limit=2&page=" + page + ">; rel=\"current\"";
        if (page < 3)
        {
            links += ", <./messages?limit=2&page=" + (page + 1) + ">; rel=\"next\"";
        }

        return FakeHttpHandler.Json(HttpStatusCode.OK, items.ToString(), ("Link", links));
    });

    [Test]
    public async Task TG4_NextFollowsTheLinkOnTheSamePath()
    {
        var handler = ThreePages();
        using var rest = TestClients.Rest(handler);

        var first = await rest.Channels.Get("c").HistoryAsync(new HistoryQuery { Limit = 2 });
        var second = await first.NextAsync();
        var third = await second!.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.HasNext, Is.True);
            Assert.That(first.IsLast, Is.False);
            Assert.That(second.Items.Select(m => m.Name), Is.EqualTo(new[] { "p2m0", "p2m1" }));
            Assert.That(third!.IsLast, Is.True);
            Assert.That(handler.Requests.Select(r => r.Path).Distinct(), Is.EqualTo(new[] { "/channels/c/messages" }));
            Assert.That(handler.Requests[2].Query, Is.EquivalentTo(new Dictionary<string, string> { ["limit"] = "2", ["page"] = "3" }));
        });
        Assert.That(await third!.NextAsync(), Is.Null);
    }

    [Test]
    public async Task TG5_FirstReturnsToTheFirstPage()
    {
        using var rest = TestClients.Rest(ThreePages());
        var first = await rest.Channels.Get("c").HistoryAsync();
        var second = await first.NextAsync();

        var again = await second!.FirstAsync();

        Assert.That(again.Items.Select(m => m.Name), Is.EqualTo(new[] { "p1m0", "p1m1" }));
    }

    [Test]
    public async Task AllAsyncAndHistoryEnumerateEveryPage()
    {
        var handler = ThreePages();
        using var rest = TestClients.Rest(handler);
        var channel = rest.Channels.Get("c");

        var viaPage = new List<string?>();
        await foreach (var message in (await channel.HistoryAsync()).AllAsync())
        {
            viaPage.Add(message.Name);
        }

        var viaEnumerable = new List<string?>();
        await foreach (var message in channel.History())
        {
            viaEnumerable.Add(message.Name);
        }

        Assert.That(viaPage, Has.Count.EqualTo(6));
        Assert.That(viaEnumerable, Is.EqualTo(viaPage));
    }

    [Test]
    public void LinkHeaderParsing()
    {
        var links = PageLinks.Parse("<./messages?start=0&end=17&limit=100&direction=backwards&from=a%2Cb>; rel=\"next\", <./messages?limit=100>; rel=\"first\"");
        Assert.That(links.Next!.Single(kv => kv.Key == "from").Value, Is.EqualTo("a,b"));
        Assert.That(links.First!.Single().Value, Is.EqualTo("100"));
        Assert.That(PageLinks.Parse(null).Next, Is.Null);
        Assert.That(PageLinks.Parse("garbage").Next, Is.Null);
    }

    [Test]
    public async Task RSC19_RequestReturnsItemsHeadersAndPages()
    {
        var handler = ThreePages();
        using var rest = TestClients.Rest(handler);

        var response = await rest.RequestAsync(HttpMethod.Get, "/channels/c/messages", new Dictionary<string, string> { ["limit"] = "2" });
        var next = await response.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.Success, Is.True);
            Assert.That(response.StatusCode, Is.EqualTo(200));
            Assert.That(response.ErrorCode, Is.Null);
            Assert.That(response.Items.Select(i => (string?)i["name"]), Is.EqualTo(new[] { "p1m0", "p1m1" }));
            Assert.That(response.Headers["Link"], Does.Contain("rel=\"next\""));
            Assert.That(next!.Items.Select(i => (string?)i["name"]), Is.EqualTo(new[] { "p2m0", "p2m1" }));
            Assert.That(handler.Requests[0].Header("Authorization"), Does.StartWith("Basic "));
        });
    }

    [Test]
    public async Task RSC19_HttpErrorsDoNotThrow()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.NotFound, 40400, "no such thing"));
        using var rest = TestClients.Rest(handler);

        var response = await rest.RequestAsync(HttpMethod.Get, "/nothing");

        Assert.That(response.Success, Is.False);
        Assert.That(response.StatusCode, Is.EqualTo(404));
        Assert.That(response.ErrorCode, Is.EqualTo(40400));
        Assert.That(response.ErrorMessage, Is.EqualTo("no such thing"));
        Assert.That(response.Items, Is.Empty);
    }

    [Test]
    public async Task RSC19_BodyAndHeadersAreSent()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.Created, "{\"ok\":true}"));
        using var rest = TestClients.Rest(handler);

        var response = await rest.RequestAsync(HttpMethod.Post, "/channels/c/messages", body: new JObject { ["name"] = "n" },
            headers: new Dictionary<string, string> { ["X-Custom"] = "1" });

        var request = handler.Requests.Single();
        Assert.That((string?)request.BodyJson["name"], Is.EqualTo("n"));
        Assert.That(request.Header("X-Custom"), Is.EqualTo("1"));
        Assert.That((bool)response.Items.Single()["ok"]!, Is.True);
    }

    [TestCase("GET")]
    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    public async Task RSC19f_SupportsHttpMethodsAndRSC19f1_Version(string method)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("[]"));
        using var rest = TestClients.Rest(handler);

        await rest.RequestAsync(new HttpMethod(method), "/test", version: 3);

        Assert.That(handler.Requests.Single().Method.Method, Is.EqualTo(method));
        Assert.That(handler.Requests.Single().Path, Is.EqualTo("/test"));
        Assert.That(handler.Requests.Single().Header("X-Ably-Version"), Is.EqualTo("3"));
    }

    [TestCase(200, true)]
    [TestCase(201, true)]
    [TestCase(204, true)]
    [TestCase(400, false)]
    [TestCase(500, false)]
    public async Task HP4_HP5_StatusAndSuccess(int status, bool success)
    {
        var handler = new FakeHttpHandler(_ => status >= 400
            ? FakeHttpHandler.Error((HttpStatusCode)status, status * 100, "Error")
            : new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(Array.Empty<byte>()) });
        using var rest = TestClients.Rest(handler);

        var response = await rest.RequestAsync(HttpMethod.Get, "/test");

        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Success, Is.EqualTo(success));
        Assert.That(response.ErrorCode, success ? Is.Null : Is.EqualTo(status * 100));
    }

    [TestCase("")]
    [TestCase("https://evil.example/x")]
    public void RSC19_InvalidPathFailsWith40003(string path)
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => FakeHttpHandler.Json("[]")));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.RequestAsync(HttpMethod.Get, path))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public void RSC22_InvalidBatchSpecsFailWithAblyExceptions()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => throw new AssertionException("no HTTP expected")));
        var message = new[] { new Message("n", "d") };

        Assert.Multiple(() =>
        {
            Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.BatchPublishAsync((BatchPublishSpec)null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
            Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.BatchPublishAsync(Array.Empty<BatchPublishSpec>()))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
            Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.BatchPublishAsync(new BatchPublishSpec { Channels = null!, Messages = message }))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
            Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.BatchPublishAsync(new BatchPublishSpec { Channels = new[] { "a" }, Messages = null! }))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
            Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.BatchPublishAsync(new BatchPublishSpec { Channels = new[] { "" }, Messages = message }))!.Code, Is.EqualTo(ErrorCodes.InvalidChannelName));
        });
    }

    [Test]
    public void RSC22_MalformedBatchReplyIsAnAblyException()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.Created, "[{\"successCount\":\"many\",\"results\":[{\"channel\":{}}]}]"));
        using var rest = TestClients.Rest(handler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.BatchPublishAsync(new BatchPublishSpec { Channels = new[] { "a" }, Messages = new[] { new Message("n", "d") } }));

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InternalError));
    }

    [Test]
    public async Task RSC24_BatchPresenceReadsMembersPerChannel()
    {
        var reply = "{\"successCount\":1,\"failureCount\":1,\"results\":[{\"channel\":\"a\",\"presence\":[{\"clientId\":\"x\",\"action\":1,\"data\":\"AQI=\",\"encoding\":\"base64\"}]},"
            + "{\"channel\":\"b\",\"error\":{\"code\":40160,\"statusCode\":401,\"message\":\"denied\"}}]}";
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(reply));
        using var rest = TestClients.Rest(handler, o => o with { UseBinaryProtocol = true });

        var result = await rest.BatchPresenceAsync(new[] { "a", "b" });

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests.Single().Query["channels"], Is.EqualTo("a,b"));
            Assert.That(handler.Requests.Single().Header("Accept"), Is.EqualTo("application/json"));
            Assert.That(result.SuccessCount, Is.EqualTo(1));
            Assert.That(result.Results[0].Presence.Single().Data, Is.EqualTo(new byte[] { 1, 2 }));
            Assert.That(result.Results[0].Presence.Single().Action, Is.EqualTo(PresenceAction.Present));
            Assert.That(result.Results[1].Error!.Code, Is.EqualTo(40160));
        });
    }

    [Test]
    public async Task RSL11_GetMessageBySerial()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("{\"serial\":\"s:1\",\"name\":\"n\",\"data\":\"{\\\"a\\\":1}\",\"encoding\":\"json\"}"));
        using var rest = TestClients.Rest(handler);

        var message = await rest.Channels.Get("c").GetMessageAsync("s:1");

        Assert.That(handler.Requests.Single().Uri.AbsolutePath, Is.EqualTo("/channels/c/messages/s%3A1"));
        Assert.That(message.Serial, Is.EqualTo("s:1"));
        Assert.That(((JObject)message.Data!)["a"]!.Value<int>(), Is.EqualTo(1));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").GetMessageAsync(""))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public async Task RSC22_BatchPublishSendsSpecsAndReadsResults()
    {
        var reply = "[{\"successCount\":1,\"failureCount\":1,\"results\":[{\"channel\":\"a\",\"messageId\":\"m\",\"serials\":[\"s\"]},"
            + "{\"channel\":\"b\",\"error\":{\"code\":40160,\"statusCode\":401,\"message\":\"denied\"}}]}]";
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.Created, reply));
        using var rest = TestClients.Rest(handler);

        var result = await rest.BatchPublishAsync(new BatchPublishSpec { Channels = new[] { "a", "b" }, Messages = new[] { new Message("n", new byte[] { 1 }) } });

        var body = (JArray)handler.Requests.Single().BodyJson;
        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests.Single().Path, Is.EqualTo("/messages"));
            Assert.That(body[0]!["channels"]!.ToObject<string[]>(), Is.EqualTo(new[] { "a", "b" }));
            Assert.That((string?)body[0]!["messages"]![0]!["encoding"], Is.EqualTo("base64"));
            Assert.That(result.SuccessCount, Is.EqualTo(1));
            Assert.That(result.Results[0].Serials, Is.EqualTo(new[] { "s" }));
            Assert.That(result.Results[1].Error!.Code, Is.EqualTo(40160));
        });
    }
}
