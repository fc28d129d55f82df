using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

/// <summary>GET /stats (RSC6) over fixtures in the nested form SDK suites post, and live counts (TS12).</summary>
public sealed class StatsTests : EmulatorTestBase
{
    private static readonly JArray NestedFixtures = JArray.Parse("""
        [
          {"intervalId":"2024-02-03:15:03","inbound":{"realtime":{"messages":{"count":50,"data":5000}}},"outbound":{"realtime":{"messages":{"count":20,"data":2000}}}},
          {"intervalId":"2024-02-03:15:04","inbound":{"realtime":{"messages":{"count":60,"data":6000}}},"outbound":{"realtime":{"messages":{"count":10,"data":1000}}}},
          {"intervalId":"2024-02-03:15:05","inbound":{"realtime":{"messages":{"count":70,"data":7000}},"rest":{"presence":{"count":5,"data":50}}},
           "persisted":{"presence":{"count":20,"data":2000}},"connections":{"tls":{"peak":20,"opened":10},"plain":{"peak":5}},
           "channels":{"peak":50,"opened":30},"apiRequests":{"succeeded":50,"failed":10},"tokenRequests":{"succeeded":60,"failed":20}}
        ]
        """);

    [Test]
    public async Task TS12_NestedFixtures_BecomeFlatEntries_WithAblysAggregates()
    {
        using var http = await AppWithFixturesAsync();
        var minutes = (JArray)await Http.ReadAsync(await http.GetAsync("/stats?start=2024-02-03:15:05&end=2024-02-03:15:05"));
        var entries = (JObject)minutes.Single()["entries"]!;
        Assert.Multiple(() =>
        {
            Assert.That(entries.Value<long>("messages.inbound.realtime.messages.count"), Is.EqualTo(70));
            Assert.That(entries.Value<long>("messages.inbound.all.messages.count"), Is.EqualTo(70));
            Assert.That(entries.Value<long>("messages.inbound.rest.presence.data"), Is.EqualTo(50));
            Assert.That(entries.Value<long>("messages.inbound.all.all.count"), Is.EqualTo(75));
            Assert.That(entries.Value<long>("messages.inbound.realtime.all.count"), Is.EqualTo(70));
            Assert.That(entries.Value<long>("messages.all.all.count"), Is.EqualTo(75));
            Assert.That(entries.Value<long>("messages.persisted.presence.count"), Is.EqualTo(20));
            Assert.That(entries.Value<long>("messages.persisted.all.data"), Is.EqualTo(2000));
            Assert.That(entries.Value<long>("connections.all.peak"), Is.EqualTo(25));
            Assert.That(entries.Value<long>("channels.opened"), Is.EqualTo(30));
            Assert.That(entries.Value<long>("apiRequests.tokenRequests.failed"), Is.EqualTo(20));
            Assert.That(entries.Value<long>("apiRequests.all.succeeded"), Is.EqualTo(110));
            Assert.That(minutes[0]!.Value<string>("schema"), Does.Contain("app-stats"));
            Assert.That(minutes[0]!.Value<string>("unit"), Is.EqualTo("minute"));
            Assert.That(minutes[0]!["inProgress"], Is.Null, "a past interval is complete");
        });
    }

    [Test]
    public async Task RSC6b1_StartAndEndAsIntervalIdsOrMilliseconds_AndByAsTheUnit()
    {
        using var http = await AppWithFixturesAsync();
        var byId = (JArray)await Http.ReadAsync(await http.GetAsync("/stats?start=2024-02-03:15:03&end=2024-02-03:15:05&direction=forwards"));
        Assert.That(byId.Select(m => m.Value<string>("intervalId")), Is.EqualTo(new[] { "2024-02-03:15:03", "2024-02-03:15:04", "2024-02-03:15:05" }));

        var start = new DateTimeOffset(2024, 2, 3, 15, 3, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var byMs = (JArray)await Http.ReadAsync(await http.GetAsync($"/stats?start={start}&end={start + 60_000}&direction=forwards"));
        Assert.That(byMs, Has.Count.EqualTo(2));

        var hours = (JArray)await Http.ReadAsync(await http.GetAsync("/stats?start=2024-02-03:15&end=2024-02-03:18&by=hour"));
        Assert.That(hours.Single().Value<string>("intervalId"), Is.EqualTo("2024-02-03:15"));
        Assert.That(hours.Single()["entries"]!.Value<long>("messages.inbound.all.messages.count"), Is.EqualTo(180));

        var limited = await http.GetAsync("/stats?end=2024-02-03:15:04&limit=1");
        Assert.That(((JArray)await Http.ReadAsync(limited)).Single()["entries"]!.Value<long>("messages.outbound.all.messages.count"), Is.EqualTo(10));
        Assert.That(string.Join(",", limited.Headers.GetValues("Link")), Does.Contain("rel=\"next\""));
    }

    [Test]
    public async Task TS12q_TheCurrentIntervalIsInProgress_WithLiveCounts()
    {
        using var http = await AppWithFixturesAsync();
        Assert.That((await http.PostAsync("/channels/live/messages", Http.Json(new JObject { ["name"] = "n", ["data"] = "12345" }))).IsSuccessStatusCode);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var current = (JArray)await Http.ReadAsync(await http.GetAsync($"/stats?unit=hour&end={now}&limit=1"));
        var record = current.Single();
        Assert.That(record.Value<string>("inProgress"), Does.Match(@"^\d{4}-\d\d-\d\d:\d\d:\d\d:\d\d$"));
        Assert.That(record["entries"]!.Value<long>("messages.inbound.rest.messages.count"), Is.EqualTo(1));
        Assert.That(record["entries"]!.Value<long>("messages.inbound.rest.messages.data"), Is.EqualTo(6));
        Assert.That(record.Value<string>("appId"), Is.Not.Empty);
    }

    [Test]
    public async Task RSC6b1_AnUnparseableStart_Is40003()
    {
        using var http = await AppWithFixturesAsync();
        var response = await http.GetAsync("/stats?start=yesterday");
        Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40003));
    }

    private async Task<HttpClient> AppWithFixturesAsync()
    {
        var app = Emulator.CreateApp();
        var http = Http.Client(Emulator.BaseUri, app.DefaultKey);
        Assert.That((await http.PostAsync("/stats", Http.Json(NestedFixtures))).IsSuccessStatusCode);
        return http;
    }
}
