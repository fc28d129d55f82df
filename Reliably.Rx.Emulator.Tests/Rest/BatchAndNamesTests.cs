using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

/// <summary>Batch publish by protocol version (RSC22, RSC19f1), REST channel names, publishing on behalf of a
/// realtime connection, and presence fixtures in history.</summary>
public sealed class BatchAndNamesTests : EmulatorTestBase
{
    [Test]
    public async Task RSC22_BatchPublish_OneResultPerChannel_WithPerChannelErrors()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var channel = Unique("batch");
        var body = new JArray(new JObject { ["channels"] = new JArray(channel + "1", channel + "2", "[invalid", ""), ["messages"] = new JObject { ["data"] = "foo" } });
        var response = await http.PostAsync("/messages", Http.Json(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var result = (JObject)((JArray)await Http.ReadAsync(response)).Single();
        Assert.That(result.Value<int>("successCount"), Is.EqualTo(2));
        Assert.That(result.Value<int>("failureCount"), Is.EqualTo(2));
        var results = (JArray)result["results"]!;
        Assert.That(results.Take(2).Select(r => r.Value<string>("channel")), Is.EqualTo(new[] { channel + "1", channel + "2" }));
        Assert.That(results.Skip(2).Select(r => r["error"]!.Value<int>("code")), Is.EqualTo(new[] { 40010, 40010 }));
    }

    [Test]
    public async Task RSC19f1_BatchPublishAtProtocolVersion2_AnswersAFlatArray_AndPartialFailureIs40020()
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        http.DefaultRequestHeaders.Add("X-Ably-Version", "2");
        var channel = Unique("v2");
        var ok = await http.PostAsync("/messages", Http.Json(new JObject { ["channels"] = new JArray(channel + "1", channel + "2"), ["messages"] = new JObject { ["data"] = "foo" } }));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var flat = (JArray)await Http.ReadAsync(ok);
        Assert.That(flat.Select(r => r.Value<string>("channel")), Is.EqualTo(new[] { channel + "1", channel + "2" }));
        Assert.That(flat.All(r => r["error"] is null && r["messageId"] is not null));

        var partial = await http.PostAsync("/messages", Http.Json(new JObject { ["channels"] = new JArray(channel, "[invalid"), ["messages"] = new JObject { ["data"] = "foo" } }));
        Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var body = await Http.ReadAsync(partial);
        Assert.That(body["error"]!.Value<int>("code"), Is.EqualTo(40020));
        Assert.That(((JArray)body["batchResponse"]!).Select(r => r["error"]?.Value<int>("code")), Is.EqualTo(new int?[] { null, 40010 }));
    }

    [TestCase(":hell")]
    [TestCase("[invalid")]
    public async Task RSL1_RestOnAnInvalidChannelName_Is40010(string name)
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var response = await http.PostAsync("/channels/" + Uri.EscapeDataString(name) + "/messages", Http.Json(new JObject { ["data"] = "x" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40010));
    }

    [Test]
    public async Task TM2h_RestPublishWithAConnectionKey_IsAttributedToThatConnection()
    {
        var channel = Unique("behalf");
        var (client, connected) = await ConnectedAsync();
        await using var _c = client;
        await client.SendAsync(Frames.AttachFrame(channel));
        await client.ReceiveActionAsync(Frames.Attached, channel);

        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var key = connected["connectionDetails"]!.Value<string>("connectionKey");
        Assert.That((await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "n", ["connectionKey"] = key }))).IsSuccessStatusCode);
        var message = await client.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(message["messages"]![0]!.Value<string>("connectionId"), Is.EqualTo(connected.Value<string>("connectionId")));

        // A connectionId cannot be claimed, and a key of no connection is refused.
        Assert.That((await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "forged", ["connectionId"] = "someone" }))).IsSuccessStatusCode);
        var forged = await client.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(forged["messages"]![0]!["connectionId"], Is.Null);
        var bad = await http.PostAsync($"/channels/{channel}/messages", Http.Json(new JObject { ["name"] = "n", ["connectionKey"] = "nobody!x-y" }));
        Assert.That((await Http.ReadAsync(bad))["error"]!.Value<int>("code"), Is.EqualTo(40006));
    }

    [Test]
    public async Task RSP4_PresenceFixtures_AppearAsEntersInPresenceHistory()
    {
        var app = Emulator.CreateAppFromSetup("""
            {"keys":[{}],"channels":[{"name":"persisted:fixtures","presence":[{"clientId":"a","data":"1"},{"clientId":"b","data":"2"}]}]}
            """);
        using var http = Http.Client(Emulator.BaseUri, app.DefaultKey);
        var history = (JArray)await Http.ReadAsync(await http.GetAsync("/channels/persisted:fixtures/presence/history"));
        Assert.That(history.Select(p => p.Value<int>("action")), Is.EqualTo(new[] { 2, 2 }));
        Assert.That(history.Select(p => p.Value<string>("clientId")), Is.EquivalentTo(new[] { "a", "b" }));
        var members = (JArray)await Http.ReadAsync(await http.GetAsync("/channels/persisted:fixtures/presence"));
        Assert.That(members.Select(p => p.Value<int>("action")), Is.EqualTo(new[] { 1, 1 }));
    }
}
