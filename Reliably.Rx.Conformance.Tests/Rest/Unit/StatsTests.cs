using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.HttpScript;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/stats.md (RSC6a, RSC6b1-RSC6b4): <c>RestClient#stats</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/stats.md")]
public sealed class StatsTests
{
    private static readonly DateTimeOffset StartTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EndTime = new(2024, 1, 31, 23, 59, 59, TimeSpan.Zero);

    /// <summary>The setup most cases share: every request answered with <paramref name="json"/>, a client with a key.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRest Client) Answering(string json = "[]")
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(200, json);
        return (scheduler, server, server.CreateRest(o => o with { Key = "app.key:secret" }));
    }

    /// <summary>Runs <c>stats(query)</c> against an empty answer and returns the one request it sent.</summary>
    private static ScriptedHttpRequest RequestOf(StatsQuery? query)
    {
        var (scheduler, server, client) = Answering();
        using var _ = client;

        scheduler.Await(client.StatsAsync(query));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        return server.HttpRequests[0];
    }

    private static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    // UTS: rest/unit/RSC6a/returns-paginated-stats-0
    [Test]
    public void RSC6a_StatsReturnsPaginatedResultOfStats()
    {
        var (scheduler, server, client) = Answering("""
            [
              {"intervalId": "2024-01-01:00:00", "unit": "hour", "all": {"messages": {"count": 100, "data": 5000}, "all": {"count": 100, "data": 5000}}},
              {"intervalId": "2024-01-01:01:00", "unit": "hour", "all": {"messages": {"count": 150, "data": 7500}, "all": {"count": 150, "data": 7500}}}
            ]
            """);
        using var _ = client;

        var result = scheduler.Await(client.StatsAsync());

        Assert.That(result, Is.InstanceOf<PaginatedResult<Stats>>());
        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Items[0].IntervalId, Is.EqualTo("2024-01-01:00:00"));
        Assert.That(result.Items[0].Unit, Is.EqualTo("hour"));
        Assert.That(result.Items[1].IntervalId, Is.EqualTo("2024-01-01:01:00"));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(server.HttpRequests[0].Path, Is.EqualTo("/stats"));
    }

    // UTS: rest/unit/RSC6a/authenticated-with-headers-1
    [Test]
    public void RSC6a_StatsSendsAuthenticatedRequestWithStandardHeaders()
    {
        var request = RequestOf(null);

        Assert.That(request.Header("Authorization"), Is.Not.Null);
        Assert.That(request.Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(request.Header("Ably-Agent"), Is.Not.Null);
    }

    // UTS: rest/unit/RSC6b1/start-param-millis-0
    [Test]
    public void RSC6b1_StartParameterInMilliseconds() =>
        Assert.That(RequestOf(new StatsQuery { Start = StartTime }).Query("start"), Is.EqualTo(Ms(StartTime)));

    // UTS: rest/unit/RSC6b1/end-param-millis-1
    [Test]
    public void RSC6b1_EndParameterInMilliseconds() =>
        Assert.That(RequestOf(new StatsQuery { End = EndTime }).Query("end"), Is.EqualTo(Ms(EndTime)));

    // UTS: rest/unit/RSC6b1/start-and-end-params-2
    [Test]
    public void RSC6b1_StartAndEndParameters()
    {
        var request = RequestOf(new StatsQuery { Start = StartTime, End = EndTime });

        Assert.That(request.Query("start"), Is.EqualTo(Ms(StartTime)));
        Assert.That(request.Query("end"), Is.EqualTo(Ms(EndTime)));
    }

    // UTS: rest/unit/RSC6b2/direction-param-forwards-0
    [Test]
    public void RSC6b2_DirectionParameter() =>
        Assert.That(RequestOf(new StatsQuery { Direction = PaginationDirection.Forwards }).Query("direction"), Is.EqualTo("forwards"));

    // UTS: rest/unit/RSC6b2/direction-defaults-backwards-1
    [Test]
    public void RSC6b2_DirectionDefaultsToBackwards() =>
        Assert.That(RequestOf(null).Query("direction"), Is.Null.Or.EqualTo("backwards"));

    // UTS: rest/unit/RSC6b3/limit-param-value-0
    [Test]
    public void RSC6b3_LimitParameter() =>
        Assert.That(RequestOf(new StatsQuery { Limit = 10 }).Query("limit"), Is.EqualTo("10"));

    // UTS: rest/unit/RSC6b3/limit-defaults-to-100-1
    [Test]
    public void RSC6b3_LimitDefaultsTo100() =>
        Assert.That(RequestOf(null).Query("limit"), Is.Null.Or.EqualTo("100"));

    // UTS: rest/unit/RSC6b4/unit-param-values-0
    [Test]
    public void RSC6b4_UnitParameterValues()
    {
        var (scheduler, server, client) = Answering();
        using var _ = client;

        foreach (var (unit, expected) in new[] { (StatsUnit.Minute, "minute"), (StatsUnit.Hour, "hour"), (StatsUnit.Day, "day"), (StatsUnit.Month, "month") })
        {
            var before = server.HttpRequests.Count;
            scheduler.Await(client.StatsAsync(new StatsQuery { Unit = unit }));

            Assert.That(server.HttpRequests, Has.Count.EqualTo(before + 1));
            Assert.That(server.HttpRequests[before].Query("unit"), Is.EqualTo(expected));
        }
    }

    // UTS: rest/unit/RSC6b4/unit-defaults-to-minute-1
    [Test]
    public void RSC6b4_UnitDefaultsToMinute() =>
        Assert.That(RequestOf(null).Query("unit"), Is.Null.Or.EqualTo("minute"));

    // UTS: rest/unit/RSC6b/all-params-combined-0
    [Test]
    public void RSC6b_RSC6b1_RSC6b2_RSC6b3_RSC6b4_AllParametersCombined()
    {
        var request = RequestOf(new StatsQuery
        {
            Start = StartTime,
            End = EndTime,
            Direction = PaginationDirection.Forwards,
            Limit = 50,
            Unit = StatsUnit.Hour,
        });

        Assert.That(request.Query("start"), Is.EqualTo(Ms(StartTime)));
        Assert.That(request.Query("end"), Is.EqualTo(Ms(EndTime)));
        Assert.That(request.Query("direction"), Is.EqualTo("forwards"));
        Assert.That(request.Query("limit"), Is.EqualTo("50"));
        Assert.That(request.Query("unit"), Is.EqualTo("hour"));
    }

    // UTS: rest/unit/RSC6a/no-params-clean-request-2
    [Test]
    [Divergence("stats() without parameters sent direction=backwards and unit=minute; StatsQuery.Direction and Unit are now nullable, null by default, and a null parameter is not sent, so the server applies its defaults.")]
    public void RSC6a_NoParametersSendsNoQueryParameters()
    {
        var request = RequestOf(null);

        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Path, Is.EqualTo("/stats"));
        Assert.That(request.Uri.Query, Is.Empty);
    }

    // UTS: rest/unit/RSC6a/pagination-link-headers-3
    [Test]
    public void RSC6a_PaginationWithLinkHeaders()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerInOrder(
            Json(200, """[{"intervalId": "2024-01-01:01:00", "unit": "hour"}]""", Headers(("Link", "</stats?start=1704070800000&limit=1>; rel=\"next\""))),
            Json(200, """[{"intervalId": "2024-01-01:00:00", "unit": "hour"}]"""));
        using var client = server.CreateRest(o => o with { Key = "app.key:secret" });

        var page1 = scheduler.Await(client.StatsAsync(new StatsQuery { Limit = 1 }));
        var page2 = scheduler.Await(page1.NextAsync());

        Assert.That(page1.Items, Has.Count.EqualTo(1));
        Assert.That(page1.Items[0].IntervalId, Is.EqualTo("2024-01-01:01:00"));
        Assert.That(page1.HasNext, Is.True);
        Assert.That(page1.IsLast, Is.False);
        Assert.That(page2, Is.Not.Null);
        Assert.That(page2!.Items, Has.Count.EqualTo(1));
        Assert.That(page2.Items[0].IntervalId, Is.EqualTo("2024-01-01:00:00"));
        Assert.That(page2.HasNext, Is.False);
        Assert.That(page2.IsLast, Is.True);
    }

    // UTS: rest/unit/RSC6a/empty-results-handled-4
    [Test]
    public void RSC6a_EmptyResults()
    {
        var (scheduler, _, client) = Answering();
        using var __ = client;

        var result = scheduler.Await(client.StatsAsync());

        Assert.That(result.Items, Is.Empty);
        Assert.That(result.HasNext, Is.False);
        Assert.That(result.IsLast, Is.True);
    }

    // UTS: rest/unit/RSC6a/error-propagated-5
    [Test]
    public void RSC6a_ErrorIsPropagated()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(401, """{"error": {"message": "Unauthorized", "code": 40100, "statusCode": 401}}""");
        using var client = server.CreateRest(o => o with { Key = "app.key:secret" });

        var error = scheduler.AwaitFailure(client.StatsAsync());

        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(error.Code, Is.EqualTo(40100));
    }
}
