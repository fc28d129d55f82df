using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>
/// Annotations over realtime and REST (RTAN1, RTAN4, RSAN1-RSAN3): ACKs, delivery only to attachments with the
/// annotation-subscribe mode, summaries as message.summary to every subscriber, per aggregation type, both formats.
/// </summary>
public sealed class AnnotationTests : EmulatorTestBase
{
    private const int AnnotationAction = 21;
    private const int Subscribe = 1 << 18, Publish = 1 << 17, AnnotationPublish = 1 << 21, AnnotationSubscribe = 1 << 22;

    private static JObject AnnotationFrame(string channel, long msgSerial, params JObject[] annotations) =>
        new() { ["action"] = AnnotationAction, ["channel"] = channel, ["msgSerial"] = msgSerial, ["annotations"] = new JArray(annotations) };

    private static JObject Ann(string messageSerial, string type, string? name = null, int action = 0, int? count = null)
    {
        var a = new JObject { ["action"] = action, ["messageSerial"] = messageSerial, ["type"] = type };
        if (name is not null) a["name"] = name;
        if (count is not null) a["count"] = count;
        return a;
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RTAN1c_RTAN4b_AnnotationsAreAcked_DeliveredToAnnotationSubscribers_AndSummariesToEveryone(bool msgpack)
    {
        var channel = Unique("mutable:ann");
        var (publisher, _) = await ConnectedAsync(msgpack, "&clientId=alice");
        var (annotated, _) = await ConnectedAsync(!msgpack);
        var (plain, _) = await ConnectedAsync(msgpack);
        await using var _p = publisher;
        await using var _a = annotated;
        await using var _s = plain;
        await publisher.SendAsync(Frames.AttachFrame(channel, flags: Publish | Subscribe | AnnotationPublish));
        await publisher.ReceiveActionAsync(Frames.Attached, channel);
        await annotated.SendAsync(Frames.AttachFrame(channel, flags: Subscribe | AnnotationSubscribe));
        var attached = await annotated.ReceiveActionAsync(Frames.Attached, channel);
        Assert.That(attached.Value<int>("flags") & AnnotationSubscribe, Is.EqualTo(AnnotationSubscribe), "the mode is granted");
        await plain.SendAsync(Frames.AttachFrame(channel));
        await plain.ReceiveActionAsync(Frames.Attached, channel);

        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("chat", "hi")));
        var serial = (await publisher.ReceiveActionAsync(Frames.Ack))["res"]![0]!["serials"]![0]!.Value<string>()!;
        await annotated.ReceiveActionAsync(Frames.Message, channel);
        await plain.ReceiveActionAsync(Frames.Message, channel);

        await publisher.SendAsync(AnnotationFrame(channel, 1, Ann(serial, "reaction:distinct.v1", "👍")));
        var ack = await publisher.ReceiveActionAsync(Frames.Ack);
        var annotationSerial = ack["res"]![0]!["serials"]![0]!.Value<string>()!;
        Assert.That(string.CompareOrdinal(annotationSerial, serial), Is.GreaterThan(0));

        var frame = await annotated.ReceiveActionAsync(AnnotationAction, channel);
        var annotation = frame["annotations"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(annotation.Value<string>("serial"), Is.EqualTo(annotationSerial));
            Assert.That(annotation.Value<string>("messageSerial"), Is.EqualTo(serial));
            Assert.That(annotation.Value<string>("clientId"), Is.EqualTo("alice"));
            Assert.That(annotation.Value<string>("name"), Is.EqualTo("👍"));
            Assert.That(annotation.Value<int>("action"), Is.EqualTo(0));
            Assert.That(frame.Value<string>("channelSerial"), Is.Not.Null);
        });

        foreach (var subscriber in new[] { annotated, plain })
        {
            var summary = (await subscriber.ReceiveActionAsync(Frames.Message, channel))["messages"]![0]!;
            Assert.That(summary.Value<int>("action"), Is.EqualTo(4), "message.summary");
            Assert.That(summary.Value<string>("serial"), Is.EqualTo(serial));
            Assert.That(summary["annotations"]!["summary"]!["reaction:distinct.v1"]!["👍"]!["clientIds"]!.Values<string>(), Is.EqualTo(new[] { "alice" }));
        }

        Assert.That(plain.Pending().Where(f => f.Value<int>("action") == AnnotationAction), Is.Empty, "no ANNOTATION without the mode");
    }

    [Test]
    public async Task RTAN1_RefusedAnnotationsAreNacked()
    {
        var channel = Unique("mutable:nack");
        var (client, _) = await ConnectedAsync(extra: "&clientId=c");
        await using var _c = client;
        await client.SendAsync(Frames.Publish(channel, 0, Frames.Msg("m", "x")));
        var serial = (await client.ReceiveActionAsync(Frames.Ack))["res"]![0]!["serials"]![0]!.Value<string>()!;

        await client.SendAsync(AnnotationFrame(channel, 1, Ann(serial, "")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40003), "no type");
        await client.SendAsync(AnnotationFrame(channel, 2, new JObject { ["type"] = "t:total.v1" }));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40003), "no message serial");
        await client.SendAsync(AnnotationFrame(channel, 3, Ann("nope", "t:total.v1")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40400), "no such message");
        await client.SendAsync(AnnotationFrame("plain-" + channel[8..], 4, Ann(serial, "t:total.v1")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(93002), "not a mutable namespace");

        // Attached without annotation_publish: refused as any operation outside the granted modes is (RTL4m).
        await client.SendAsync(Frames.AttachFrame(channel, flags: Subscribe));
        await client.ReceiveActionAsync(Frames.Attached, channel);
        await client.SendAsync(AnnotationFrame(channel, 5, Ann(serial, "t:total.v1")));
        Assert.That((await client.ReceiveActionAsync(Frames.Nack))["error"]!.Value<int>("code"), Is.EqualTo(40165));
    }

    [Test]
    public async Task RSAN_AnnotationCapabilities_AreEnforced()
    {
        var app = Emulator.CreateApp("""{"*":["publish","subscribe","history"]}""", """{"*":["annotation-publish"]}""");
        var channel = Unique("mutable:caps");
        using var publisher = Http.Client(Emulator.BaseUri, app.Keys[0].KeyString);
        var serial = await Rest.MessageChangesTests.PublishAsync(publisher, channel, new JObject { ["data"] = "x" });
        var denied = await PostAsync(publisher, channel, serial, Ann(serial, "t:total.v1"));
        Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Http.ReadAsync(denied))["error"]!.Value<int>("code"), Is.EqualTo(40160));

        using var annotator = Http.Client(Emulator.BaseUri, app.Keys[1].KeyString);
        Assert.That((await PostAsync(annotator, channel, serial, Ann(serial, "t:total.v1"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var anonymousFlag = await PostAsync(annotator, channel, serial, Ann(serial, "t:flag.v1"));
        Assert.That((await Http.ReadAsync(anonymousFlag))["error"]!.Value<int>("code"), Is.EqualTo(40003), "flag.v1 counts clients: it needs one");
        var read = await annotator.SendAsync(Http.Get($"/channels/{Uri.EscapeDataString(channel)}/messages/{serial}/annotations"));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "reading needs annotation-subscribe or history");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RSAN1_RSAN3_RestPublishThenGet_OldestFirst_Paginated_AndIdempotentById(bool msgpack)
    {
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        http.DefaultRequestHeaders.Add("X-Ably-ClientId", Convert.ToBase64String(Encoding.UTF8.GetBytes("rita")));
        var channel = Unique("mutable:get");
        var serial = await Rest.MessageChangesTests.PublishAsync(http, channel, new JObject { ["data"] = "x" });
        foreach (var name in new[] { "a", "b", "c" })
        {
            var annotation = Ann(serial, "r:distinct.v1", name);
            annotation["id"] = "id-" + name;
            annotation["data"] = Convert.ToBase64String([1, 2]);
            annotation["encoding"] = "base64";
            Assert.That((await PostAsync(http, channel, serial, annotation)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        var again = Ann(serial, "r:distinct.v1", "a");
        again["id"] = "id-a";
        await PostAsync(http, channel, serial, again);

        var response = await http.SendAsync(Http.Get($"/channels/{Uri.EscapeDataString(channel)}/messages/{serial}/annotations?limit=2", msgpack));
        var page = (JArray)await Http.ReadAsync(response);
        Assert.That(page.Select(a => a.Value<string>("name")), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(page.Select(a => a.Value<string>("clientId")), Is.All.EqualTo("rita"));
        Assert.That(string.CompareOrdinal(page[1].Value<string>("serial"), page[0].Value<string>("serial")), Is.GreaterThan(0));
        var link = response.Headers.GetValues("Link").SelectMany(l => l.Split(", ")).Single(l => l.Contains("rel=\"next\"", StringComparison.Ordinal));
        var next = link[(link.IndexOf("./", StringComparison.Ordinal) + 2)..link.IndexOf('>', StringComparison.Ordinal)];
        var rest = (JArray)await Http.ReadAsync(await http.SendAsync(Http.Get($"/channels/{Uri.EscapeDataString(channel)}/messages/{serial}/" + next, msgpack)));
        Assert.That(rest.Select(a => a.Value<string>("name")), Is.EqualTo(new[] { "c" }), "the republished id-a was stored once");
    }

    [Test]
    public async Task TM7_SummariesFollowEachAggregationMethod_ThroughCreatesAndDeletes()
    {
        var channel = Unique("mutable:sum");
        var (subscriber, _) = await ConnectedAsync();
        await using var _s = subscriber;
        await subscriber.SendAsync(Frames.AttachFrame(channel));
        await subscriber.ReceiveActionAsync(Frames.Attached, channel);
        using var http = Http.Client(Emulator.BaseUri, Emulator.DefaultKey);
        var serial = await Rest.MessageChangesTests.PublishAsync(http, channel, new JObject { ["data"] = "x" });
        await subscriber.ReceiveActionAsync(Frames.Message, channel);

        var steps = new (string Client, JObject Annotation)[]
        {
            ("a", Ann(serial, "d:distinct.v1", "up")), ("b", Ann(serial, "d:distinct.v1", "up")), ("a", Ann(serial, "d:distinct.v1", "up")),
            ("a", Ann(serial, "d:distinct.v1", "down")), ("b", Ann(serial, "d:distinct.v1", "up", action: 1)),
            ("a", Ann(serial, "u:unique.v1", "red")), ("a", Ann(serial, "u:unique.v1", "blue")), ("b", Ann(serial, "u:unique.v1", "blue")),
            ("a", Ann(serial, "m:multiple.v1", "vote", count: 3)), ("b", Ann(serial, "m:multiple.v1", "vote")), ("", Ann(serial, "m:multiple.v1", "vote", count: 2)),
            ("b", Ann(serial, "m:multiple.v1", "vote", action: 1)),
            ("a", Ann(serial, "f:flag.v1")), ("b", Ann(serial, "f:flag.v1")), ("a", Ann(serial, "f:flag.v1", action: 1)),
            ("a", Ann(serial, "t:total.v1")), ("b", Ann(serial, "t:total.v1")),
        };
        JToken summary = new JObject();
        foreach (var (client, annotation) in steps)
        {
            if (client.Length > 0)
            {
                annotation["clientId"] = client;
            }

            Assert.That((await PostAsync(http, channel, serial, annotation)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            summary = (await subscriber.ReceiveActionAsync(Frames.Message, channel))["messages"]![0]!["annotations"]!["summary"]!;
        }

        var expected = JObject.Parse("""
            {
              "d:distinct.v1": {"up": {"total":1,"clientIds":["a"],"clipped":false}, "down": {"total":1,"clientIds":["a"],"clipped":false}},
              "u:unique.v1": {"blue": {"total":2,"clientIds":["a","b"],"clipped":false}},
              "m:multiple.v1": {"vote": {"total":5,"clientIds":{"a":3},"totalUnidentified":2,"clipped":false,"totalClientIds":1}},
              "f:flag.v1": {"total":1,"clientIds":["b"],"clipped":false},
              "t:total.v1": {"total":2}
            }
            """);
        Assert.That(JToken.DeepEquals(summary, expected), Is.True, summary.ToString());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string channel, string serial, JObject annotation) =>
        http.PostAsync($"/channels/{Uri.EscapeDataString(channel)}/messages/{Uri.EscapeDataString(serial)}/annotations", Http.Json(new JArray(annotation)));
}
