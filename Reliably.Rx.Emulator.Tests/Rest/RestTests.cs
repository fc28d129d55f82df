using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

public sealed partial class RestTests : EmulatorTestBase
{
    protected override EmulatorOptions Options => base.Options with
    {
        Addresses = SecondLoopback is { } second ? [IPAddress.Loopback, second] : [IPAddress.Loopback],
    };

    [TestCase(false)]
    [TestCase(true)]
    public async Task Time_HonoursAccept_WithExactContentType(bool msgpack)
    {
        using var http = Http.Client(Emulator.BaseUri);
        var response = await http.SendAsync(Http.Get("/time", msgpack));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo(msgpack ? "application/x-msgpack" : "application/json"));
        var body = (JArray)await Http.ReadAsync(response);
        Assert.That(Math.Abs(body[0]!.Value<long>() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Is.LessThan(60_000));
    }

    [Test]
    public async Task REC3_ConnectivityCheck_AnswersYes_WithoutCredentials()
    {
        using var http = Http.Client(Emulator.BaseUri);
        var response = await http.GetAsync("/is-the-internet-up.txt");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        Assert.That((await response.Content.ReadAsStringAsync()).Trim(), Is.EqualTo("yes"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task PublishAndHistory_PaginatesWithLinkHeaders(bool msgpack)
    {
        var channel = Unique("hist");
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var batch = new JArray(Enumerable.Range(0, 25).Select(i => new JObject { ["name"] = "m" + i, ["data"] = "d" + i }));
        var publish = new HttpRequestMessage(HttpMethod.Post, $"/channels/{channel}/messages") { Content = msgpack ? Http.MsgPack(batch) : Http.Json(batch) };
        publish.Headers.Accept.ParseAdd(msgpack ? "application/x-msgpack" : "application/json");
        var published = await http.SendAsync(publish);
        Assert.That(published.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Http.ReadAsync(published))["serials"]!.Count(), Is.EqualTo(25));

        var names = new List<string>();
        var path = $"/channels/{channel}/messages?limit=10";
        var pages = 0;
        while (path is not null)
        {
            var response = await http.SendAsync(Http.Get(path, msgpack));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            names.AddRange(((JArray)await Http.ReadAsync(response)).Select(m => m.Value<string>("name")!));
            pages++;
            path = Http.NextPath(response, $"/channels/{channel}/");
        }

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(names, Is.EqualTo(Enumerable.Range(0, 25).Reverse().Select(i => "m" + i)), "backwards by default, no gaps or duplicates");

        var forwards = (JArray)await Http.ReadAsync(await http.SendAsync(Http.Get($"/channels/{channel}/messages?direction=forwards&limit=2")));
        Assert.That(forwards.Select(m => m.Value<string>("name")), Is.EqualTo(new[] { "m0", "m1" }));
    }

    [Test]
    public async Task TM2j_PublishedMessagesAreMarkedMessageCreateInHistoryAndGetMessage()
    {
        var channel = Unique("action");
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var published = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/channels/{channel}/messages") { Content = Http.Json(new JObject { ["name"] = "n", ["data"] = "d" }) });
        var serial = (string)(await Http.ReadAsync(published))["serials"]![0]!;

        var history = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/messages"));
        var single = (JObject)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/messages/{Uri.EscapeDataString(serial)}"));

        Assert.That(history.Single().Value<int?>("action"), Is.EqualTo(0));
        Assert.That(single.Value<int?>("action"), Is.EqualTo(0));
    }

    [Test]
    public async Task RSA4_AnUnknownKeyNameInAKnownAppIs40400WithStatus401_AnUnknownAppIs40101()
    {
        var appId = Emulator.DefaultKey[..Emulator.DefaultKey.IndexOf('.', StringComparison.Ordinal)];
        using var unknownKey = Http.Client(Emulator.BaseUri, appId + ".invalidKey:invalidSecret");
        await AssertError(await unknownKey.GetAsync("/channels/x"), 401, 40400);

        using var unknownApp = Http.Client(Emulator.BaseUri, "nosuchapp.key:secret");
        await AssertError(await unknownApp.GetAsync("/channels/x"), 401, 40101);
    }

    [Test]
    public async Task Errors_HaveAblyBodyAndHeaders()
    {
        using var anonymous = Http.Client(Emulator.BaseUri);
        var response = await anonymous.GetAsync("/channels/x/messages");
        await AssertError(response, 401, 40101);

        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        await AssertError(await http.GetAsync("/no/such/route"), 404, 40400);
        await AssertError(await http.GetAsync("/channels/x/messages?limit=5000"), 400, 40003);
        await AssertError(await http.PostAsync("/channels/x/messages", new StringContent("{bad", System.Text.Encoding.UTF8, "application/json")), 400, 40000);

        var app = Emulator.CreateApp("{\"*\":[\"subscribe\"]}");
        using var limited = Http.Client(Emulator.BaseUri, app.DefaultKey);
        await AssertError(await limited.PostAsync("/channels/x/messages", Http.Json(new JObject { ["name"] = "x" })), 401, 40160);
    }

    [Test]
    public async Task ForceNack_And_ClientIdMismatch()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        await AssertError(await http.PostAsync("/channels/x/messages?_forceNack=true", Http.Json(new JObject { ["name"] = "x" })), 400, 40099);
        await AssertError(await http.PostAsync("/channels/x/messages", Http.Json(new JArray(new JObject { ["id"] = "a:0" }, new JObject()))), 400, 40031);
    }

    [Test]
    public async Task IdempotentRestPublish_ReturnsSameSerial()
    {
        var channel = Unique("idem");
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var body = new JArray(new JObject { ["id"] = "base:0", ["name"] = "x" });
        var first = await Http.ReadAsync(await http.PostAsync($"/channels/{channel}/messages", Http.Json(body)));
        var second = await Http.ReadAsync(await http.PostAsync($"/channels/{channel}/messages", Http.Json(body)));
        Assert.That(second["serials"]!.ToString(), Is.EqualTo(first["serials"]!.ToString()));
        var history = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/messages"));
        Assert.That(history, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task PresenceGet_AndPresenceHistory_AndChannelStatus()
    {
        var channel = Unique("rp");
        var (member, connected) = await ConnectedAsync(extra: "&clientId=alice");
        await using var _m = member;
        await member.SendAsync(Frames.AttachFrame(channel));
        await member.ReceiveActionAsync(Frames.Attached, channel);
        await member.SendAsync(Frames.PresenceFrame(channel, 0, new JObject { ["action"] = 2, ["data"] = "x" }));
        await member.ReceiveActionAsync(Frames.Ack);

        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var members = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/presence"));
        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0]!.Value<int>("action"), Is.EqualTo(1));
        Assert.That(members[0]!.Value<string>("clientId"), Is.EqualTo("alice"));
        var filtered = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/presence?clientId=bob"));
        Assert.That(filtered, Is.Empty);
        var byConn = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/presence?connectionId={connected.Value<string>("connectionId")}"));
        Assert.That(byConn, Has.Count.EqualTo(1));

        var history = (JArray)await Http.ReadAsync(await http.GetAsync($"/channels/{channel}/presence/history"));
        Assert.That(history[0]!.Value<int>("action"), Is.EqualTo(2));

        var status = await Http.ReadAsync(await http.GetAsync($"/channels/{channel}"));
        Assert.That(status.Value<string>("channelId"), Is.EqualTo(channel));
        var metrics = status["status"]!["occupancy"]!["metrics"]!;
        Assert.That(metrics.Value<int>("presenceMembers"), Is.EqualTo(1));
        Assert.That(metrics.Value<int>("connections"), Is.EqualTo(1));
        Assert.That(metrics.Value<int>("subscribers"), Is.EqualTo(1));
    }

    [Test]
    public async Task Stats_FixturesAggregateAndPaginate()
    {
        var app = Emulator.CreateApp();
        using var http = Http.Client(Emulator.BaseUri, app.DefaultKey);
        var fixtures = new JArray(
            new JObject { ["intervalId"] = "2024-01-01:10:00", ["entries"] = new JObject { ["messages.all.all.count"] = 1 } },
            new JObject { ["intervalId"] = "2024-01-01:10:01", ["entries"] = new JObject { ["messages.all.all.count"] = 2 } },
            new JObject { ["intervalId"] = "2024-01-01:11:00", ["entries"] = new JObject { ["messages.all.all.count"] = 4 } });
        Assert.That((await http.PostAsync("/stats", Http.Json(fixtures))).IsSuccessStatusCode);

        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var end = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var hours = (JArray)await Http.ReadAsync(await http.GetAsync($"/stats?unit=hour&start={start}&end={end}&direction=forwards"));
        Assert.That(hours.Select(h => h["entries"]!.Value<long>("messages.all.all.count")), Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(hours[0]!.Value<string>("intervalId"), Is.EqualTo("2024-01-01:10"));

        var page = await http.GetAsync($"/stats?unit=minute&start={start}&end={end}&limit=2");
        Assert.That(((JArray)await Http.ReadAsync(page)).Select(m => m.Value<string>("intervalId")), Is.EqualTo(new[] { "2024-01-01:11:00", "2024-01-01:10:01" }));
        var next = Http.NextPath(page, "/");
        Assert.That(next, Is.Not.Null);
        var rest = (JArray)await Http.ReadAsync(await http.GetAsync(next));
        Assert.That(rest.Select(m => m.Value<string>("intervalId")), Is.EqualTo(new[] { "2024-01-01:10:00" }));
    }

    [Test]
    public async Task Envelope_WrapsStatusResponseAndHeaders()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var ok = await http.GetAsync("/channels/env/messages?envelope=json&limit=1");
        var wrapped = await Http.ReadAsync(ok);
        Assert.That(wrapped.Value<int>("statusCode"), Is.EqualTo(200));
        Assert.That(wrapped["response"], Is.InstanceOf<JArray>());
        Assert.That(wrapped["headers"]!.Value<string>("link"), Does.Contain("rel=\"first\""));

        var failed = await http.GetAsync("/channels/env/messages?envelope=json&limit=5000");
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var error = await Http.ReadAsync(failed);
        Assert.That(error.Value<int>("statusCode"), Is.EqualTo(400));
        Assert.That(error["response"]!["error"]!.Value<int>("code"), Is.EqualTo(40003));
    }

    [Test]
    public async Task BatchPublish_ReportsPerChannel()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var spec = new JArray(new JObject { ["channels"] = new JArray("b1", "b2"), ["messages"] = new JObject { ["name"] = "n", ["data"] = "d" } });
        var response = await http.PostAsync("/messages", Http.Json(spec));
        var body = (JArray)await Http.ReadAsync(response);
        Assert.That(body[0]!.Value<int>("successCount"), Is.EqualTo(2));
        Assert.That(body[0]!["results"]![1]!.Value<string>("channel"), Is.EqualTo("b2"));
    }

    [Test]
    public async Task RestFault_OnOneAddressOnly()
    {
        if (SecondLoopback is null)
        {
            Assert.Ignore("127.0.0.2 cannot be bound on this machine (add a loopback alias to run this test)");
        }

        Emulator.Faults.FailRestRequests(503, count: 1, address: IPAddress.Loopback);
        using var primary = Http.Client(Emulator.BaseUri);
        using var fallback = Http.Client(Emulator.GetBaseUri(SecondLoopback!));
        var ok = await fallback.GetAsync("/time");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var failed = await primary.GetAsync("/time");
        await AssertError(failed, 503, 50300);
        Assert.That((await primary.GetAsync("/time")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "count=1 consumed");
    }

    [Test]
    public async Task HttpControlRoutes_ListDropAndArmFaults()
    {
        var (client, connected) = await ConnectedAsync(extra: "&clientId=ctl");
        await using var _c = client;
        var id = connected.Value<string>("connectionId")!;
        using var http = Http.Client(Emulator.BaseUri);
        var list = (JArray)await Http.ReadAsync(await http.GetAsync("/_emulator/connections"));
        Assert.That(list.Any(c => c.Value<string>("connectionId") == id && c.Value<string>("clientId") == "ctl"));

        Assert.That((await http.PostAsync($"/_emulator/faults/nack?count=1&code=50002", null)).IsSuccessStatusCode);
        await client.SendAsync(Frames.Publish("ctl", 0, Frames.Msg("a")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(50002));

        Assert.That((await http.PostAsync($"/_emulator/connections/{id}/disconnect?code=80003&statusCode=500", null)).IsSuccessStatusCode);
        Assert.That((await client.ReceiveActionAsync(Frames.Disconnected))["error"]!.Value<int>("statusCode"), Is.EqualTo(500));
        await client.WaitClosedAsync();

        await AssertError(await http.PostAsync("/_emulator/connections/nope/drop", null), 404, 40400);
    }

    [Test]
    public async Task SandboxApps_MatchVectorShape_WithPresenceFixtures()
    {
        var path = Vectors.Find("test-app-setup.json");
        if (path is null)
        {
            Assert.Ignore("../shared/ably/vectors/test-app-setup.json is not available next to the repository");
        }

        var setup = JObject.Parse(await File.ReadAllTextAsync(path!));
        var postApps = (JObject)setup["post_apps"]!;
        using var http = Http.Client(Emulator.BaseUri);
        var response = await http.PostAsync("/apps", Http.Json(postApps));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var app = (JObject)await Http.ReadAsync(response);
        var keys = (JArray)app["keys"]!;
        Assert.That(keys, Has.Count.EqualTo(((JArray)postApps["keys"]!).Count));
        Assert.That(app["namespaces"]!.Count(), Is.EqualTo(((JArray)postApps["namespaces"]!).Count));
        Assert.That(app.Value<int>("port"), Is.EqualTo(Emulator.Port));
        Assert.That(app.Value<bool>("tls"), Is.False);
        Assert.That(app.Value<string>("accountId"), Is.Not.Empty);
        var appId = app.Value<string>("appId")!;
        for (var i = 0; i < keys.Count; i++)
        {
            var k = keys[i]!;
            Assert.That(k.Value<string>("keyName"), Is.EqualTo(appId + "." + k.Value<string>("id")));
            Assert.That(k.Value<string>("keyStr"), Is.EqualTo(k.Value<string>("keyName") + ":" + k.Value<string>("value")));
            Assert.That(k.Value<string>("keySecret"), Is.EqualTo(k.Value<string>("value")));
            // In request order, and in canonical form (resources and operations sorted), as tokens carry it.
            var expected = Canonical(postApps["keys"]![i]!["capability"]?.Value<string>() ?? "{\"*\":[\"*\"]}");
            Assert.That(k.Value<string>("capability"), Is.EqualTo(expected), "capabilities in request order");
        }

        using var authed = Http.Client(Emulator.BaseUri, keys[0]!.Value<string>("keyStr"));
        var fixtures = (JArray)await Http.ReadAsync(await authed.GetAsync("/channels/persisted:presence_fixtures/presence"));
        Assert.That(fixtures.Select(f => f.Value<string>("clientId")), Is.EquivalentTo(new[] { "client_bool", "client_int", "client_string", "client_json", "client_decoded", "client_encoded" }));
        var encrypted = fixtures.Single(f => f.Value<string>("clientId") == "client_encoded");
        Assert.That(encrypted.Value<string>("encoding"), Is.EqualTo("json/utf-8/cipher+aes-128-cbc/base64"));
        Assert.That(encrypted.Value<string>("data"), Is.EqualTo("HO4cYSP8LybPYBPZPHQOtuD53yrD3YV3NBoTEYBh4U0N1QXHbtkfsDfTspKeLQFt"));

        // Over msgpack the encrypted fixture is raw bin (base64 step stripped) and decrypts with the vectors' cipher key.
        var packed = await authed.SendAsync(Http.Get("/channels/persisted:presence_fixtures/presence?clientId=client_encoded", msgpack: true));
        var rawBody = await packed.Content.ReadAsByteArrayAsync();
        var cipherBytes = EncryptedFixtureData(rawBody);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = Convert.FromBase64String(setup["cipher"]!.Value<string>("key")!);
        var plain = aes.DecryptCbc(cipherBytes.AsSpan(16), cipherBytes.AsSpan(0, 16));
        Assert.That(JToken.Parse(System.Text.Encoding.UTF8.GetString(plain)).Type, Is.EqualTo(JTokenType.Object));

        // keys[3] can only subscribe.
        using var subscribeOnly = Http.Client(Emulator.BaseUri, keys[3]!.Value<string>("keyStr"));
        await AssertError(await subscribeOnly.PostAsync("/channels/x/messages", Http.Json(new JObject { ["name"] = "n" })), 401, 40160);

        var delete = new HttpRequestMessage(HttpMethod.Delete, "/apps/" + appId);
        delete.Headers.Authorization = Http.Basic(keys[0]!.Value<string>("keyStr")!);
        Assert.That((await http.SendAsync(delete)).IsSuccessStatusCode);
        Assert.That((await authed.GetAsync("/channels/x/messages")).IsSuccessStatusCode, Is.False);
    }

    private static byte[] EncryptedFixtureData(byte[] body)
    {
        var reader = new MessagePack.MessagePackReader(body);
        Assert.That(reader.ReadArrayHeader(), Is.EqualTo(1));
        var fields = reader.ReadMapHeader();
        for (var i = 0; i < fields; i++)
        {
            if (reader.ReadString() == "data")
            {
                Assert.That(reader.NextMessagePackType, Is.EqualTo(MessagePack.MessagePackType.Binary));
                return System.Buffers.BuffersExtensions.ToArray(reader.ReadBytes()!.Value);
            }

            reader.Skip();
        }

        throw new AssertionException("no data field");
    }

    private static async Task AssertError(HttpResponseMessage response, int status, int code)
    {
        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/json"));
        Assert.That(response.Headers.GetValues("X-Ably-Errorcode").Single(), Is.EqualTo(code.ToString()));
        Assert.That(response.Headers.GetValues("X-Ably-Errormessage").Single(), Is.Not.Empty);
        var error = (await Http.ReadAsync(response))["error"]!;
        Assert.That(error.Value<int>("code"), Is.EqualTo(code));
        Assert.That(error.Value<int>("statusCode"), Is.EqualTo(status));
        Assert.That(error.Value<string>("message"), Is.Not.Empty);
        Assert.That(error.Value<string>("href"), Does.EndWith(code.ToString()));
    }

    private static string Canonical(string capability) =>
        new JObject(JObject.Parse(capability).Properties().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new JProperty(p.Name, new JArray(p.Value.Values<string>().Order(StringComparer.Ordinal)))))
            .ToString(Newtonsoft.Json.Formatting.None);
}
