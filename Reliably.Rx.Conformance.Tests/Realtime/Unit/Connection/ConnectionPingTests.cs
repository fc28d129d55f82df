using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/connection_ping_test.md (RTN13): <c>Connection#ping()</c>.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/connection_ping_test.md")]
public sealed class ConnectionPingTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server) PingingServer(Action<ScriptedConnection, ProtocolFrame> onHeartbeat)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("conn-id-1", "conn-key-1"));
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Heartbeat)
            {
                onHeartbeat(c, frame);
            }
        };
        return (scheduler, server);
    }

    // UTS: realtime/unit/RTN13a/ping-heartbeat-roundtrip-0
    [Test]
    public async Task RTN13a_PingSendsHeartbeatAndReturnsRoundTripDuration()
    {
        var (scheduler, server) = PingingServer((c, msg) => c.Send(ProtocolFrame.Heartbeat(msg.Id)));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var duration = scheduler.Await(client.Connection.PingAsync());

        Assert.That(duration, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        var heartbeatsSent = server.Connections.SelectMany(c => c.FramesFromClientOf(ProtocolAction.Heartbeat)).Count();
        Assert.That(heartbeatsSent, Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTN13e/no-id-heartbeat-ignored-1
    [Test]
    public async Task RTN13e_HeartbeatWithNoIdIsIgnoredAsPingResponse()
    {
        var (scheduler, server) = PingingServer((c, msg) =>
        {
            // A server-initiated HEARTBEAT (no id) first: it must not resolve the ping.
            c.Send(ProtocolFrame.Heartbeat());
            c.Send(ProtocolFrame.Heartbeat(msg.Id));
        });
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var ping = client.Connection.PingAsync();
        var duration = scheduler.Await(ping);

        Assert.That(duration, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
    }
}
