using System.Reactive.Concurrency;
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
    private static int HeartbeatsSent(ScriptedAbly server) =>
        server.Connections.SelectMany(c => c.FramesFromClientOf(ProtocolAction.Heartbeat)).Count();

    // UTS: realtime/unit/RTN13e/heartbeat-random-id-0
    [Test]
    public async Task RTN13e_HeartbeatIncludesRandomIdForDisambiguation()
    {
        string? capturedId = null;
        var (scheduler, server) = PingingServer((c, msg) =>
        {
            capturedId = msg.Id;
            c.Send(ProtocolFrame.Heartbeat("wrong-id"));
            c.Send(ProtocolFrame.Heartbeat(msg.Id));
        });
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var duration = scheduler.Await(client.Connection.PingAsync());

        Assert.That(duration, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(capturedId, Is.Not.Null);
        Assert.That(capturedId, Is.Not.Empty);
    }

    // UTS: realtime/unit/RTN13e/concurrent-pings-unique-ids-2
    [Test]
    public async Task RTN13e_ConcurrentPingsEachGetTheirOwnResponse()
    {
        var (scheduler, server) = PingingServer((c, msg) => c.Send(ProtocolFrame.Heartbeat(msg.Id)));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var ping1 = client.Connection.PingAsync();
        var ping2 = client.Connection.PingAsync();
        var duration1 = scheduler.Await(ping1);
        var duration2 = scheduler.Await(ping2);

        Assert.That(duration1, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(duration2, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        var sent = server.Connections.SelectMany(c => c.FramesFromClientOf(ProtocolAction.Heartbeat)).ToList();
        Assert.That(sent, Has.Count.EqualTo(2));
        Assert.That(sent[0].Id, Is.Not.EqualTo(sent[1].Id));
    }

    // UTS: realtime/unit/RTN13c/ping-timeout-0
    [Test]
    public async Task RTN13c_PingTimesOutWithoutHeartbeatResponse()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("conn-id-1", "conn-key-1"));
        await using var client = server.CreateRealtime(o => o with { RealtimeRequestTimeout = TimeSpan.FromSeconds(2), AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var ping = client.Connection.PingAsync();
        scheduler.AdvanceTime(2100);
        var error = scheduler.AwaitFailure(ping);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Message, Does.Contain("timeout").IgnoreCase);
    }

    // UTS: realtime/unit/RTN13b/ping-error-initialized-0
    [Test]
    public async Task RTN13b_PingErrorsInInitializedState()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        var error = scheduler.AwaitFailure(client.Connection.PingAsync());

        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN13b/ping-error-suspended-1
    [Test]
    public async Task RTN13b_PingErrorsInSuspendedState()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.RefusingClient();

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected);
        scheduler.AdvanceTime(TimeSpan.FromSeconds(121));
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended);
        var error = scheduler.AwaitFailure(client.Connection.PingAsync());

        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN13b/ping-error-closed-2
    [Test]
    public async Task RTN13b_PingErrorsInClosedState()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("conn-id-1", "conn-key-1"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.Await(client.Connection.CloseAsync());
        scheduler.AwaitState(client.Connection, ConnectionState.Closed);
        var error = scheduler.AwaitFailure(client.Connection.PingAsync());

        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN13b/ping-error-failed-3
    [Test]
    public async Task RTN13b_PingErrorsInFailedState()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithError(ProtocolFrame.ErrorFrame(new ErrorInfo(80000, 400, "Fatal error")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed);
        var error = scheduler.AwaitFailure(client.Connection.PingAsync());

        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN13d/ping-deferred-connecting-0
    [Test]
    public async Task RTN13d_PingDeferredFromConnectingUntilConnected()
    {
        var (scheduler, server) = PingingServer((c, msg) => c.Send(ProtocolFrame.Heartbeat(msg.Id)));
        server.OnConnectionAttempt = c =>
            server.Scheduler.Schedule(TimeSpan.FromMilliseconds(100), () => c.RespondWithSuccess(ProtocolFrame.Connected("conn-id-1", "conn-key-1")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var ping = client.Connection.PingAsync();
        scheduler.AdvanceTime(200);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var duration = scheduler.Await(ping);

        Assert.That(duration, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(HeartbeatsSent(server), Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTN13d/ping-deferred-disconnected-1
    [Test]
    [Adapted("RTN15a makes the reconnection after the server's close start in the same loop turn as DISCONNECTED, so the ping is made as soon as the DISCONNECTED change is observed, while the connection is still away (DISCONNECTED or CONNECTING, both RTN13d deferrals)")]
    public async Task RTN13d_PingDeferredFromDisconnectedUntilConnected()
    {
        var attempts = 0;
        var (scheduler, server) = PingingServer((c, msg) => c.Send(ProtocolFrame.Heartbeat(msg.Id)));
        server.OnConnectionAttempt = c =>
        {
            attempts++;
            c.RespondWithSuccess(attempts == 1 ? ProtocolFrame.Connected("conn-id-1", "conn-key-1") : ProtocolFrame.Connected("conn-id-2", "conn-key-2"));
        };
        await using var client = server.CreateRealtime(o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500), AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        server.LastConnection!.Close();
        changes.AwaitChange(scheduler, ConnectionState.Disconnected);
        Assert.That(client.Connection.State, Is.AnyOf(ConnectionState.Disconnected, ConnectionState.Connecting));
        var ping = client.Connection.PingAsync();
        scheduler.AdvanceTime(600);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var duration = scheduler.Await(ping);

        Assert.That(duration, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(HeartbeatsSent(server), Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTN13b/deferred-ping-error-failed-4
    [Test]
    public async Task RTN13b_RTN13d_DeferredPingErrorsWhenConnectionFails()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
            server.Scheduler.Schedule(TimeSpan.FromMilliseconds(100), () => c.RespondWithError(ProtocolFrame.ErrorFrame(new ErrorInfo(80000, 400, "Fatal error"))));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var ping = client.Connection.PingAsync();
        scheduler.AdvanceTime(200);
        scheduler.AwaitState(client.Connection, ConnectionState.Failed);
        var error = scheduler.AwaitFailure(ping);

        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN13b/deferred-ping-error-suspended-5
    [Test]
    public async Task RTN13b_RTN13d_DeferredPingErrorsWhenConnectionSuspends()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.RefusingClient();

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected);
        var ping = client.Connection.PingAsync();
        scheduler.AdvanceTime(TimeSpan.FromSeconds(121));
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended);
        var error = scheduler.AwaitFailure(ping);

        Assert.That(error, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN13c/deferred-ping-timeout-1
    [Test]
    public async Task RTN13c_RTN13d_DeferredPingTimesOutAfterConnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
            server.Scheduler.Schedule(TimeSpan.FromMilliseconds(100), () => c.RespondWithSuccess(ProtocolFrame.Connected("conn-id-1", "conn-key-1")));
        await using var client = server.CreateRealtime(o => o with { RealtimeRequestTimeout = TimeSpan.FromSeconds(2), AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var ping = client.Connection.PingAsync();
        scheduler.AdvanceTime(200);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.AdvanceTime(2100);
        var error = scheduler.AwaitFailure(ping);

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Message, Does.Contain("timeout").IgnoreCase);
    }
}
