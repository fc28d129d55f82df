using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.PresenceClients;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/realtime_presence_history.md (RTP12): presence history through the REST API. The spec's
/// <c>MockRest</c> is the scripted server's HTTP side.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/realtime_presence_history.md")]
public sealed class RealtimePresenceHistoryTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server, List<ScriptedHttpRequest> Requests) Server(string channel, string historyJson)
    {
        var (scheduler, server) = Uts.Mock();
        var requests = new List<ScriptedHttpRequest>();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(channel));
            }
        };
        server.OnHttpRequest = r =>
        {
            requests.Add(r);
            r.RespondWith(200, historyJson);
        };
        return (scheduler, server, requests);
    }

    // UTS: realtime/unit/RTP12a/history-supports-rest-params-0
    [Test]
    public async Task RTP12a_HistorySupportsTheSameParamsAsRestPresenceHistory()
    {
        var name = ChannelName("test-RTP12a");
        var (scheduler, server, requests) = Server(name, "[]");
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.HistoryAsync(new HistoryQuery
        {
            Start = DateTimeOffset.FromUnixTimeMilliseconds(1000),
            End = DateTimeOffset.FromUnixTimeMilliseconds(2000),
            Direction = PaginationDirection.Backwards,
            Limit = 50,
        }));

        Assert.That(requests, Has.Count.EqualTo(1));
        Assert.That(requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(name) + "/presence/history"));
        Assert.That(requests[0].Query("start"), Is.EqualTo("1000"));
        Assert.That(requests[0].Query("end"), Is.EqualTo("2000"));
        Assert.That(requests[0].Query("direction"), Is.EqualTo("backwards"));
        Assert.That(requests[0].Query("limit"), Is.EqualTo("50"));
    }

    // UTS: realtime/unit/RTP12c/history-returns-paginated-result-0
    [Test]
    public async Task RTP12c_HistoryReturnsPaginatedResult()
    {
        var name = ChannelName("test-RTP12c");
        var (scheduler, server, _) = Server(name,
            "[{\"action\":2,\"clientId\":\"alice\",\"timestamp\":1000},{\"action\":4,\"clientId\":\"alice\",\"timestamp\":2000},{\"action\":3,\"clientId\":\"alice\",\"timestamp\":3000}]");
        await using var client = server.Client();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        var result = scheduler.Await(channel.Presence.HistoryAsync());

        Assert.That(result, Is.InstanceOf<PaginatedResult<PresenceMessage>>());
        Assert.That(result.Items, Has.Count.EqualTo(3));
        Assert.That(result.Items[0].ClientId, Is.EqualTo("alice"));
        Assert.That(result.Items[0].Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(result.Items[2].Action, Is.EqualTo(PresenceAction.Leave));
    }
}
