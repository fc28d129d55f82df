using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

/// <summary>Message updates, deletes and appends over REST (RSL15), versions (RSL14), getMessage (RSL11), permissions.</summary>
public sealed class MessageChangesTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task RSL15_UpdateKeepsNameAndSerial_AndStampsALaterVersion(bool msgpack)
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var channel = Unique("mutable:upd");
        var serial = await PublishAsync(http, channel, new JObject { ["name"] = "original", ["data"] = "v1" });
        var original = await GetAsync(http, $"/channels/{channel}/messages/{serial}", msgpack);

        var result = await PatchAsync(http, channel, serial, new JObject
        {
            ["action"] = 1,
            ["data"] = "v2",
            ["version"] = new JObject { ["clientId"] = "editor", ["description"] = "typo", ["metadata"] = new JObject { ["reason"] = "spelling" } },
        }, msgpack);
        var versionSerial = result.Value<string>("versionSerial")!;

        var latest = await GetAsync(http, $"/channels/{channel}/messages/{serial}", msgpack);
        Assert.Multiple(() =>
        {
            Assert.That(latest.Value<string>("serial"), Is.EqualTo(serial));
            Assert.That(latest.Value<int>("action"), Is.EqualTo(1));
            Assert.That(latest.Value<string>("name"), Is.EqualTo("original"));
            Assert.That(latest.Value<string>("data"), Is.EqualTo("v2"));
            Assert.That(latest["version"]!.Value<string>("serial"), Is.EqualTo(versionSerial));
            Assert.That(string.CompareOrdinal(versionSerial, serial), Is.GreaterThan(0));
            Assert.That(latest["version"]!.Value<long>("timestamp"), Is.GreaterThan(original.Value<long>("timestamp")));
            Assert.That(latest["version"]!.Value<string>("clientId"), Is.EqualTo("editor"));
            Assert.That(latest["version"]!.Value<string>("description"), Is.EqualTo("typo"));
            Assert.That(latest["version"]!["metadata"]!.Value<string>("reason"), Is.EqualTo("spelling"));
            Assert.That(original.Value<int>("action"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task RSL15_DeleteAndAppend_PatchSemantics_AndHistoryShowsTheLatestInPlace()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var channel = Unique("mutable:life");
        var first = await PublishAsync(http, channel, new JObject { ["name"] = "stream", ["data"] = "Hello" });
        var second = await PublishAsync(http, channel, new JObject { ["name"] = "doomed", ["data"] = "x" });
        await PatchAsync(http, channel, first, new JObject { ["action"] = 5, ["data"] = " World" });
        await PatchAsync(http, channel, first, new JObject { ["action"] = 5, ["data"] = "!", ["name"] = "renamed" });
        await PatchAsync(http, channel, second, new JObject { ["action"] = 2 });

        var history = (JArray)await GetAsync(http, $"/channels/{channel}/messages?direction=forwards", false);
        Assert.That(history, Has.Count.EqualTo(2), "changes are not messages of their own in history");
        Assert.Multiple(() =>
        {
            Assert.That(history[0].Value<string>("serial"), Is.EqualTo(first));
            Assert.That(history[0].Value<string>("data"), Is.EqualTo("Hello World!"));
            Assert.That(history[0].Value<string>("name"), Is.EqualTo("renamed"));
            Assert.That(history[0].Value<int>("action"), Is.EqualTo(1), "an appended message reads as an update");
            Assert.That(history[1].Value<int>("action"), Is.EqualTo(2));
            Assert.That(history[1].Value<string>("data"), Is.EqualTo("x"), "a delete without data keeps the data");
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RSL15_AppendJoinsBinaryToBinary(bool msgpack)
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var channel = Unique("mutable:bin");
        var serial = await PublishAsync(http, channel, new JObject { ["data"] = Convert.ToBase64String([1, 2]), ["encoding"] = "base64" });
        await PatchAsync(http, channel, serial, new JObject { ["action"] = 5, ["data"] = Convert.ToBase64String([3]), ["encoding"] = "base64" });
        var latest = await GetAsync(http, $"/channels/{channel}/messages/{serial}", msgpack);
        var bytes = msgpack ? Convert.FromBase64String(latest.Value<string>("data")!) : Convert.FromBase64String(latest.Value<string>("data")!);
        Assert.That(bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task RSL15_AppendToJsonData_IsRefusedWith40013()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var channel = Unique("mutable:json");
        var serial = await PublishAsync(http, channel, new JObject { ["data"] = "{\"a\":1}", ["encoding"] = "json" });
        var error = await PatchErrorAsync(http, channel, serial, new JObject { ["action"] = 5, ["data"] = "{\"b\":2}", ["encoding"] = "json" });
        Assert.That(error, Is.EqualTo((HttpStatusCode.BadRequest, 40013)));
    }

    [Test]
    public async Task RSL14_VersionsListEveryVersionOldestFirst_Paginated()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var channel = Unique("mutable:ver");
        var serial = await PublishAsync(http, channel, new JObject { ["name"] = "v", ["data"] = "1" });
        var versionSerials = new List<string>();
        for (var i = 2; i <= 4; i++)
        {
            versionSerials.Add((await PatchAsync(http, channel, serial, new JObject { ["action"] = 1, ["data"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })).Value<string>("versionSerial")!);
        }

        var response = await http.SendAsync(Http.Get($"/channels/{channel}/messages/{serial}/versions?limit=3"));
        var page = (JArray)await Http.ReadAsync(response);
        Assert.That(page.Select(m => m.Value<string>("data")), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(page.Select(m => m.Value<int>("action")), Is.EqualTo(new[] { 0, 1, 1 }));
        Assert.That(page.Select(m => m.Value<string>("serial")), Is.All.EqualTo(serial));
        var link = response.Headers.GetValues("Link").SelectMany(l => l.Split(", ")).Single(l => l.Contains("rel=\"next\"", StringComparison.Ordinal));
        var next = link[(link.IndexOf("./", StringComparison.Ordinal) + 2)..link.IndexOf('>', StringComparison.Ordinal)];
        var rest = (JArray)await GetAsync(http, $"/channels/{channel}/messages/{serial}/" + next, false);
        Assert.That(rest.Select(m => m["version"]!.Value<string>("serial")), Is.EqualTo(new[] { versionSerials[2] }));
    }

    [Test]
    public async Task Changes_OutsideAMutableNamespace_AreRefusedWith93002_AndUnknownSerialsWith40400()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var plain = Unique("plain");
        var serial = await PublishAsync(http, plain, new JObject { ["data"] = "x" });
        Assert.That(await PatchErrorAsync(http, plain, serial, new JObject { ["action"] = 1, ["data"] = "y" }), Is.EqualTo((HttpStatusCode.BadRequest, 93002)));
        var mutable = Unique("mutable:none");
        Assert.That(await PatchErrorAsync(http, mutable, "nope", new JObject { ["action"] = 1, ["data"] = "y" }), Is.EqualTo((HttpStatusCode.NotFound, 40400)));
        Assert.That(await PatchErrorAsync(http, mutable, "nope", new JObject { ["action"] = 0, ["data"] = "y" }), Is.EqualTo((HttpStatusCode.BadRequest, 40003)));
        var versions = await http.SendAsync(Http.Get($"/channels/{mutable}/messages/nope/versions"));
        Assert.That(versions.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Capabilities_OwnAppliesOnlyToTheRequestersMessages_AnyToAll_AnonymousNeedsAny()
    {
        var app = Emulator.CreateApp(
            """{"*":["publish","history","subscribe"]}""",
            """{"*":["message-update-own","message-delete-own","history"]}""",
            """{"*":["message-update-any","history"]}""");
        var channel = Unique("mutable:caps");
        using var publisher = Http.Client(Emulator.BaseUri, app.Keys[0].KeyString);
        var alices = await PublishAsync(publisher, channel, new JObject { ["data"] = "a", ["clientId"] = "alice" });

        using var own = Http.Client(Emulator.BaseUri, app.Keys[1].KeyString);
        Assert.That(await PatchErrorAsync(own, channel, alices, new JObject { ["action"] = 1, ["data"] = "b" }), Is.EqualTo((HttpStatusCode.Unauthorized, 40166)), "anonymous with -own");
        own.DefaultRequestHeaders.Add("X-Ably-ClientId", Convert.ToBase64String(Encoding.UTF8.GetBytes("bob")));
        Assert.That(await PatchErrorAsync(own, channel, alices, new JObject { ["action"] = 2 }), Is.EqualTo((HttpStatusCode.Unauthorized, 40160)), "bob deleting alice's");
        own.DefaultRequestHeaders.Remove("X-Ably-ClientId");
        own.DefaultRequestHeaders.Add("X-Ably-ClientId", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice")));
        await PatchAsync(own, channel, alices, new JObject { ["action"] = 5, ["data"] = "b" });
        await PatchAsync(own, channel, alices, new JObject { ["action"] = 2 });

        using var any = Http.Client(Emulator.BaseUri, app.Keys[2].KeyString);
        await PatchAsync(any, channel, alices, new JObject { ["action"] = 1, ["data"] = "c" });
        Assert.That(await PatchErrorAsync(any, channel, alices, new JObject { ["action"] = 2 }), Is.EqualTo((HttpStatusCode.Unauthorized, 40160)), "update-any is not delete");
        Assert.That(await PatchErrorAsync(publisher, channel, alices, new JObject { ["action"] = 1, ["data"] = "d" }), Is.EqualTo((HttpStatusCode.Unauthorized, 40160)), "publish alone");
    }

    internal static async Task<string> PublishAsync(HttpClient http, string channel, JObject message)
    {
        var response = await http.PostAsync($"/channels/{Uri.EscapeDataString(channel)}/messages", Http.Json(message));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await Http.ReadAsync(response))["serials"]![0]!.Value<string>()!;
    }

    private static async Task<JToken> GetAsync(HttpClient http, string path, bool msgpack)
    {
        var response = await http.SendAsync(Http.Get(path, msgpack));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await Http.ReadAsync(response);
    }

    private static async Task<JObject> PatchAsync(HttpClient http, string channel, string serial, JObject change, bool msgpack = false)
    {
        var response = await SendPatchAsync(http, channel, serial, change, msgpack);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (JObject)await Http.ReadAsync(response);
    }

    private static async Task<(HttpStatusCode, int)> PatchErrorAsync(HttpClient http, string channel, string serial, JObject change)
    {
        var response = await SendPatchAsync(http, channel, serial, change, false);
        return (response.StatusCode, (await Http.ReadAsync(response))["error"]!.Value<int>("code"));
    }

    private static Task<HttpResponseMessage> SendPatchAsync(HttpClient http, string channel, string serial, JObject change, bool msgpack)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/channels/{Uri.EscapeDataString(channel)}/messages/{Uri.EscapeDataString(serial)}")
        {
            Content = msgpack ? Http.MsgPack(change) : Http.Json(change),
        };
        request.Headers.Accept.ParseAdd(msgpack ? "application/x-msgpack" : "application/json");
        return http.SendAsync(request);
    }
}
