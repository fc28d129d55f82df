using System.Net;
using System.Net.Http.Headers;

namespace Reliably.Rx.Tests.Http;

/// <summary>Whatever a server answers, REST calls end with a result or an AblyException: never another exception, never a hang.</summary>
[TestFixture]
public sealed class HostileResponseTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var mediaType in new[] { "application/json", "application/x-msgpack" })
        {
            foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest })
            {
                yield return new TestCaseData(mediaType, status).SetName($"Garbage_{mediaType.Split('/')[1]}_{(int)status}");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task GarbageBodiesEndInAblyExceptionsOrResults(string mediaType, HttpStatusCode status)
    {
        var random = new Random(42);
        var handler = new FakeHttpHandler(_ =>
        {
            var body = new byte[random.Next(0, 64)];
            random.NextBytes(body);
            var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return response;
        });
        using var rest = TestClients.Rest(handler, o => o with { Key = null, Token = "t", UseBinaryProtocol = mediaType.EndsWith("msgpack", StringComparison.Ordinal) });
        var channel = rest.Channels.Get("c");
        var calls = new Func<Task>[]
        {
            () => rest.TimeAsync(),
            () => channel.HistoryAsync(),
            () => channel.PublishAsync("n", "d"),
            () => channel.StatusAsync(),
            () => channel.Presence.GetAsync(),
            () => rest.StatsAsync(),
            () => rest.RequestAsync(HttpMethod.Get, "/x"),
            () => rest.BatchPublishAsync(new BatchPublishSpec { Channels = new[] { "a" }, Messages = new[] { new Message("n", "d") } }),
        };

        for (var round = 0; round < 20; round++)
        {
            foreach (var call in calls)
            {
                try
                {
                    await call().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (AblyException)
                {
                    // Expected for most garbage.
                }
            }
        }

        Assert.That(handler.Requests, Has.Count.GreaterThanOrEqualTo(20 * calls.Length));
    }
}
