using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>uts/rest/unit/channel/history.md (RSL2): <c>RestChannel#history</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/channel/history.md")]
public sealed class HistoryTests
{
    private static (MockHttp Mock, RestChannel Channel, AblyRest Client) Setup(string body = "[]")
    {
        var mock = new MockHttp(req => req.RespondWith(200, body));
        var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        return (mock, client.Channels.Get(MockHttp.RandomName("test-RSL2")), client);
    }

    // UTS: rest/unit/RSL2a/returns-paginated-result-0
    [Test]
    public void RSL2a_HistoryReturnsPaginatedResult()
    {
        var (mock, channel, client) = Setup("""
            [{"id":"msg1","name":"event1","data":"data1","timestamp":1000},
             {"id":"msg2","name":"event2","data":"data2","timestamp":2000}]
            """);
        using var _ = client;

        var result = mock.Await(channel.HistoryAsync());

        Assert.That(result, Is.InstanceOf<PaginatedResult<Message>>());
        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Items[0], Is.InstanceOf<Message>());
        Assert.That(result.Items[0].Id, Is.EqualTo("msg1"));
        Assert.That(result.Items[0].Name, Is.EqualTo("event1"));
        Assert.That(result.Items[0].Data, Is.EqualTo("data1"));
    }

    // UTS: rest/unit/RSL2b/query-parameters-0
    [TestCase("start", 1234567890000L, "1234567890000", TestName = "RSL2b_HistoryQueryParameters(1 start)")]
    [TestCase("end", 1234567899999L, "1234567899999", TestName = "RSL2b_HistoryQueryParameters(2 end)")]
    [TestCase("direction", PaginationDirection.Backwards, "backwards", TestName = "RSL2b_HistoryQueryParameters(3 backwards)")]
    [TestCase("direction", PaginationDirection.Forwards, "forwards", TestName = "RSL2b_HistoryQueryParameters(4 forwards)")]
    [TestCase("limit", 50, "50", TestName = "RSL2b_HistoryQueryParameters(5 limit)")]
    public void RSL2b_HistoryQueryParameters(string parameter, object value, string expected)
    {
        var (mock, channel, client) = Setup();
        using var _ = client;
        var query = parameter switch
        {
            "start" => new HistoryQuery { Start = DateTimeOffset.FromUnixTimeMilliseconds((long)value) },
            "end" => new HistoryQuery { End = DateTimeOffset.FromUnixTimeMilliseconds((long)value) },
            "direction" => new HistoryQuery { Direction = (PaginationDirection)value },
            _ => new HistoryQuery { Limit = (int)value },
        };

        mock.Await(channel.HistoryAsync(query));

        Assert.That(mock.Requests[0].Query(parameter), Is.EqualTo(expected));
    }

    // UTS: rest/unit/RSL2b1/default-direction-backwards-0
    [Test]
    public void RSL2b1_DefaultDirectionIsBackwards()
    {
        var (mock, channel, client) = Setup();
        using var _ = client;

        mock.Await(channel.HistoryAsync());

        if (mock.Requests[0].Query("direction") is { } direction)
        {
            Assert.That(direction, Is.EqualTo("backwards"));
        }
    }

    // UTS: rest/unit/RSL2b2/limit-parameter-0
    [Test]
    public void RSL2b2_LimitParameter()
    {
        var (mock, channel, client) = Setup("""
            [{"id":"msg1","name":"e","data":"d","timestamp":1000},
             {"id":"msg2","name":"e","data":"d","timestamp":2000},
             {"id":"msg3","name":"e","data":"d","timestamp":3000}]
            """);
        using var _ = client;

        mock.Await(channel.HistoryAsync(new HistoryQuery { Limit = 10 }));

        Assert.That(mock.Requests[0].Query("limit"), Is.EqualTo("10"));
    }

    // UTS: rest/unit/RSL2b3/default-limit-hundred-0
    [Test]
    public void RSL2b3_DefaultLimitIs100()
    {
        var (mock, channel, client) = Setup();
        using var _ = client;

        mock.Await(channel.HistoryAsync());

        if (mock.Requests[0].Query("limit") is { } limit)
        {
            Assert.That(limit, Is.EqualTo("100"));
        }
    }

    // UTS: rest/unit/RSL2/request-url-format-0
    [TestCase("test-RSL2-simple-", TestName = "RSL2_HistoryRequestUrlFormat(1 simple)")]
    [TestCase("test-RSL2-with:colon-", TestName = "RSL2_HistoryRequestUrlFormat(2 colon)")]
    [TestCase("test-RSL2-with/slash-", TestName = "RSL2_HistoryRequestUrlFormat(3 slash)")]
    [TestCase("test-RSL2-with space-", TestName = "RSL2_HistoryRequestUrlFormat(4 space)")]
    public void RSL2_HistoryRequestUrlFormat(string prefix)
    {
        var mock = new MockHttp(req => req.RespondWith(200, "[]"));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        var name = prefix + Guid.NewGuid().ToString("N")[..8];

        mock.Await(client.Channels.Get(name).HistoryAsync());

        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(name) + "/messages"));
    }

    // UTS: rest/unit/RSL2/history-time-range-1
    [Test]
    public void RSL2_HistoryWithTimeRange()
    {
        var (mock, channel, client) = Setup("""[{"id":"msg1","name":"e","data":"d","timestamp":1500}]""");
        using var _ = client;

        mock.Await(channel.HistoryAsync(new HistoryQuery
        {
            Start = DateTimeOffset.FromUnixTimeMilliseconds(1000),
            End = DateTimeOffset.FromUnixTimeMilliseconds(2000),
        }));

        Assert.That(mock.Requests[0].Query("start"), Is.EqualTo("1000"));
        Assert.That(mock.Requests[0].Query("end"), Is.EqualTo("2000"));
    }
}
