using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/auto_connect_test.md (RTN3): <c>autoConnect</c>.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/auto_connect_test.md")]
public sealed class AutoConnectTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server, Func<bool> Attempted) Server()
    {
        var (scheduler, server) = Uts.Mock();
        var attempted = false;
        server.OnConnectionAttempt = c =>
        {
            attempted = true;
            c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        };
        return (scheduler, server, () => attempted);
    }

    // UTS: realtime/unit/RTN3/auto-connect-true-0
    [Test]
    public async Task RTN3_AutoConnectTrueInitiatesConnectionImmediately()
    {
        var (scheduler, server, _) = Server();

        // Default autoConnect (true): connect() is never called.
        await using var client = server.CreateRealtime();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.EqualTo("connection-id"));
    }

    // UTS: realtime/unit/RTN3/auto-connect-false-1
    [Test]
    public async Task RTN3_AutoConnectFalseDoesNotInitiateConnection()
    {
        var (scheduler, server, attempted) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        scheduler.AdvanceTime(500);

        Assert.That(attempted(), Is.False);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
    }

    // UTS: realtime/unit/RTN3/explicit-connect-after-false-2
    [Test]
    public async Task RTN3_ExplicitConnectAfterAutoConnectFalse()
    {
        var (scheduler, server, attempted) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        Assert.That(attempted(), Is.False);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(attempted(), Is.True);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
