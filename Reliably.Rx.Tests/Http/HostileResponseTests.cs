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

    private const int TimeCall = 0;
    private const int RequestCall = 6;

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

        var failures = new List<(int Call, AblyException Error)>();
        var responses = new List<HttpPaginatedResponse>();
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < calls.Length; i++)
            {
                try
                {
                    // Any other exception, or a hang (TimeoutException), fails the test here.
                    var task = calls[i]();
                    await task.WaitAsync(TimeSpan.FromSeconds(10));
                    if (task is Task<HttpPaginatedResponse> request)
                    {
                        responses.Add(request.Result);
                    }
                }
                catch (AblyException ex)
                {
                    failures.Add((i, ex));
                }
            }
        }

        Assert.Multiple(() =>
        {
            // One request per call: garbage never sends the client to a fallback host or into a token renewal.
            Assert.That(handler.Requests, Has.Count.EqualTo(20 * calls.Length));
            Assert.That(failures.Select(f => f.Error.Message), Has.All.Not.Empty);
            if ((int)status >= 400)
            {
                // The HTTP error is reported as such, with the status-based code (the garbage carries no Ably error);
                // request() reports it in its response instead of throwing (RSC19, HP4-HP5).
                Assert.That(failures.Select(f => f.Call), Has.None.EqualTo(RequestCall), "request() does not throw on an HTTP error");
                Assert.That(failures, Has.Count.EqualTo(20 * (calls.Length - 1)), "every other call fails");
                Assert.That(failures.Select(f => (f.Error.Code, f.Error.StatusCode)), Has.All.EqualTo(((int)status * 100, (int)status)));
                Assert.That(responses, Has.Count.EqualTo(20));
                Assert.That(responses.Select(r => (r.StatusCode, r.Success)), Has.All.EqualTo(((int)status, false)));
            }
            else
            {
                // A body that cannot be decoded is the codecs' malformed-input error, whatever the call.
                Assert.That(failures.Select(f => (f.Error.Code, f.Error.StatusCode)), Has.All.EqualTo((40000, 400)));
                Assert.That(failures.Select(f => f.Call), Has.Some.EqualTo(TimeCall), "random bytes are not a time");
            }
        });
    }
}
