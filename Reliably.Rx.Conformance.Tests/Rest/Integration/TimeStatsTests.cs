using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>uts/rest/integration/time_stats.md (RSC16, RSC6) against the emulator.</summary>
[TestFixture]
[Category("uts/rest/integration/time_stats.md")]
public sealed class TimeStatsTests : RestSandbox
{
    // UTS: rest/integration/RSC16/time-returns-server-time-0
    [Test]
    public async Task RSC16_TimeReturnsServerTime()
    {
        var client = Rest();

        var before = DateTimeOffset.UtcNow;
        var serverTime = await Await(client.TimeAsync());
        var after = DateTimeOffset.UtcNow;

        Assert.That(serverTime, Is.GreaterThanOrEqualTo(before - TimeSpan.FromMilliseconds(5000)));
        Assert.That(serverTime, Is.LessThanOrEqualTo(after + TimeSpan.FromMilliseconds(5000)));
    }

    // UTS: rest/integration/RSC6/stats-returns-result-0
    [Test]
    public async Task RSC6_StatsReturnsApplicationStatistics()
    {
        var client = Rest();

        var result = await Await(client.StatsAsync());

        Assert.That(result, Is.InstanceOf<PaginatedResult<Stats>>());
        Assert.That(result.Items, Is.Not.Null);
        if (result.Items.Count > 0)
        {
            Assert.That(result.Items[0].IntervalId, Is.Not.Empty);
            Assert.That(result.Items[0].Unit, Is.AnyOf("minute", "hour", "day", "month"));
        }
    }

    // UTS: rest/integration/RSC6/stats-with-parameters-1
    [Test]
    public async Task RSC6_StatsWithParameters()
    {
        var client = Rest();

        var result = await Await(client.StatsAsync(new StatsQuery { Limit = 5, Direction = PaginationDirection.Forwards, Unit = StatsUnit.Hour }));

        Assert.That(result, Is.InstanceOf<PaginatedResult<Stats>>());
        Assert.That(result.Items, Has.Count.LessThanOrEqualTo(5));
    }
}
