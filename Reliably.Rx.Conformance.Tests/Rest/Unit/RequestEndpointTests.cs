using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/request_endpoint.md (RSC25): requests go to the primary domain first.</summary>
[TestFixture]
[Category("uts/rest/unit/request_endpoint.md")]
public sealed class RequestEndpointTests
{
    private const string DefaultRestHost = "main.realtime.ably.net";

    /// <summary>A client with a key (and <paramref name="configure"/>) on a server answering every request alike.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRest Client) Client(string json, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(200, json);
        var client = server.CreateRest(o => (configure ?? (x => x))(o with { Key = "appId.keyId:keySecret" }));
        return (scheduler, server, client);
    }

    // UTS: rest/unit/RSC25/default-primary-domain-0
    [Test]
    public void RSC25_DefaultPrimaryDomainUsedForRequests()
    {
        var (scheduler, server, client) = Client("""{"time": 1234567890000}""");
        using var _ = client;

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Host, Is.EqualTo(DefaultRestHost));
    }

    // UTS: rest/unit/RSC25/custom-endpoint-domain-1
    [Test]
    public void RSC25_CustomEndpointUsedForRequests()
    {
        var (scheduler, server, client) = Client("""{"time": 1234567890000}""", o => o with { Endpoint = "test" });
        using var _ = client;

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Host, Is.EqualTo("test.realtime.ably.net"));
    }

    // UTS: rest/unit/RSC25/multiple-requests-primary-domain-2
    [Test]
    public void RSC25_MultipleRequestsAllGoToPrimaryDomain()
    {
        var (scheduler, server, client) = Client("""{"time": 1234567890000}""");
        using var _ = client;

        scheduler.Await(client.TimeAsync());
        scheduler.Await(client.TimeAsync());
        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(3));
        Assert.That(server.HttpRequests.Select(r => r.Host), Is.All.EqualTo(DefaultRestHost));
    }

    // UTS: rest/unit/RSC25/primary-tried-before-fallback-3
    [Test]
    public void RSC25_PrimaryDomainTriedBeforeFallback()
    {
        var (scheduler, server) = Uts.Mock();
        var count = 0;
        server.OnHttpRequest = r =>
        {
            if (++count == 1)
            {
                r.RespondWith(500, """{"error": {"code": 50000}}""");
            }
            else
            {
                r.RespondWith(200, """{"time": 1234567890000}""");
            }
        };
        using var client = server.CreateRest(o => o with { Key = "appId.keyId:keySecret" });

        scheduler.Await(client.TimeAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(2));
        Assert.That(server.HttpRequests[0].Host, Is.EqualTo(DefaultRestHost));
        Assert.That(server.HttpRequests[1].Host, Is.Not.EqualTo(DefaultRestHost));
    }

    // UTS: rest/unit/RSC25/request-path-preserved-4
    [Test]
    public void RSC25_RequestPathPreservedOnPrimaryDomain()
    {
        var (scheduler, server, client) = Client("[]");
        using var _ = client;

        scheduler.Await(client.Channels.Get("test-channel").HistoryAsync());

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        var request = server.HttpRequests[0];
        Assert.That(request.Host, Is.EqualTo(DefaultRestHost));
        Assert.That(request.Path, Is.EqualTo("/channels/test-channel/messages"));
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
    }
}
