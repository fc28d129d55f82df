using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Client;

/// <summary>uts/realtime/unit/client/realtime_request.md (RTC9): <c>request()</c> of the realtime client is RestClient#request.</summary>
[TestFixture]
[Category("uts/realtime/unit/client/realtime_request.md")]
public sealed class RealtimeRequestTests
{
    // UTS: realtime/unit/RTC9/request-proxies-rest-0
    [Test]
    [Divergence("AblyRealtime had no request(); it now has RequestAsync(), the REST client's")]
    [Adapted("The case reuses rest/unit/request.md against a realtime client: its method, query-parameter, header, body, version and response cases run here in one test")]
    public async Task RTC9_RequestProxiesToRestRequest()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = r => r.RespondWith(201, """[{"id":"item-1"},{"id":"item-2"}]""");
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false, UseBinaryProtocol = false });

        var response = scheduler.AdvanceUntilCompleted(
            client.RequestAsync(
                HttpMethod.Post,
                "/channels/test/messages",
                new Dictionary<string, string> { ["limit"] = "10", ["direction"] = "backwards" },
                new JObject { ["name"] = "event", ["data"] = "payload" },
                new Dictionary<string, string> { ["X-Custom-Header"] = "custom-value" },
                version: 3),
            Uts.DefaultLimit);

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var request = server.HttpRequests[0];
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.Path, Is.EqualTo("/channels/test/messages"));
        Assert.That(request.Query("limit"), Is.EqualTo("10"));
        Assert.That(request.Query("direction"), Is.EqualTo("backwards"));
        Assert.That(request.Header("X-Custom-Header"), Is.EqualTo("custom-value"));
        Assert.That(request.Header("X-Ably-Version"), Is.EqualTo("3"));
        Assert.That(request.Header("Authorization"), Is.Not.Null);
        Assert.That(JToken.Parse(request.BodyText)["name"]?.Value<string>(), Is.EqualTo("event"));
        Assert.That(response.StatusCode, Is.EqualTo(201));
        Assert.That(response.Success, Is.True);
        Assert.That(response.Items.Select(i => i.Value<string>("id")), Is.EqualTo(new[] { "item-1", "item-2" }));
    }
}
