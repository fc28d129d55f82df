using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Client;

/// <summary>uts/realtime/unit/client/realtime_time.md (RTC6): <c>time()</c> of the realtime client is RestClient#time.</summary>
[TestFixture]
[Category("uts/realtime/unit/client/realtime_time.md")]
public sealed class RealtimeTimeTests
{
    // UTS: realtime/unit/RTC6/time-proxies-rest-0
    [Test]
    [Divergence("AblyRealtime had no time(); it now has TimeAsync(), the REST client's")]
    [Adapted("The case reuses rest/unit/time.md against a realtime client: its server-time, request-format and no-auth cases run here in one test")]
    public async Task RTC6_RTC6a_TimeProxiesToRestTime()
    {
        var (scheduler, server) = Uts.Mock();
        const long serverTime = 1_704_067_200_000;
        server.OnHttpRequest = r => r.RespondWith(200, $"[{serverTime}]");
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        var time = scheduler.AdvanceUntilCompleted(client.TimeAsync(), Uts.DefaultLimit);

        Assert.That(time.ToUnixTimeMilliseconds(), Is.EqualTo(serverTime));
        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var request = server.HttpRequests[0];
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Path, Is.EqualTo("/time"));
        Assert.That(request.Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(request.Header("Ably-Agent"), Is.Not.Null);
        Assert.That(request.Header("Authorization"), Is.Null, "RSC16: time() is sent without credentials");
        Assert.That(server.Connections, Is.Empty, "a REST operation opens no realtime connection");
    }
}
