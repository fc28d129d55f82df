using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Client;

/// <summary>uts/realtime/unit/client/realtime_stats.md (RTC5): <c>stats()</c> of the realtime client is RestClient#stats.</summary>
[TestFixture]
[Category("uts/realtime/unit/client/realtime_stats.md")]
public sealed class RealtimeStatsTests
{
    // UTS: realtime/unit/RTC5/stats-proxies-rest-0
    [Test]
    [Divergence("AblyRealtime had no stats(); it now has StatsAsync(), the REST client's, with the same query")]
    [Adapted("The case reuses rest/unit/stats.md against a realtime client: its paginated-result, authenticated-request and query-parameter cases run here in one test")]
    public async Task RTC5_RTC5a_RTC5b_StatsProxiesToRestStats()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = r => r.RespondWith(200, """
            [{"intervalId":"2024-01-01:00:00","unit":"hour","all":{"messages":{"count":100,"data":5000},"all":{"count":100,"data":5000}}},
             {"intervalId":"2024-01-01:01:00","unit":"hour","all":{"messages":{"count":150,"data":7500},"all":{"count":150,"data":7500}}}]
            """);
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_704_067_200_000);

        var page = scheduler.AdvanceUntilCompleted(
            client.StatsAsync(new StatsQuery { Start = start, Unit = StatsUnit.Hour, Direction = PaginationDirection.Forwards, Limit = 10 }),
            Uts.DefaultLimit);

        Assert.That(page.Items, Has.Count.EqualTo(2));
        Assert.That(page.Items[0].IntervalId, Is.EqualTo("2024-01-01:00:00"));
        Assert.That(page.Items[0].Unit, Is.EqualTo("hour"));
        Assert.That(page.Items[1].IntervalId, Is.EqualTo("2024-01-01:01:00"));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var request = server.HttpRequests[0];
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Path, Is.EqualTo("/stats"));
        Assert.That(request.Header("Authorization"), Is.Not.Null);
        Assert.That(request.Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(request.Header("Ably-Agent"), Is.Not.Null);
        Assert.That(request.Query("start"), Is.EqualTo("1704067200000"));
        Assert.That(request.Query("unit"), Is.EqualTo("hour"));
        Assert.That(request.Query("direction"), Is.EqualTo("forwards"));
        Assert.That(request.Query("limit"), Is.EqualTo("10"));
    }
}
