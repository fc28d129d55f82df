using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/connection_id_key_test.md (RTN8, RTN9): <c>Connection#id</c> and <c>Connection#key</c>.</summary>
/// <remarks>
/// The UTS file cites the clauses that spec 6.1.0 replaced by RTN8d and RTN9d (null in CLOSED, CLOSING and FAILED;
/// SUSPENDED is no longer listed, since reconnection from SUSPENDED still resumes, RTN14h); the test ids below keep the
/// UTS file's names. The cases are named by the current clauses.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/connection/connection_id_key_test.md")]
public sealed class ConnectionIdKeyTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server) Server()
    {
        var (scheduler, server) = Uts.Mock();
        var count = 0;
        server.OnConnectionAttempt = c =>
        {
            count++;
            c.RespondWithSuccess(ProtocolFrame.Connected($"conn-id-{count}", $"conn-key-{count}"));
        };
        return (scheduler, server);
    }

    // UTS: realtime/unit/RTN8a/id-unset-until-connected-0
    [Test]
    public async Task RTN8_RTN8a_IdIsUnsetUntilConnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("unique-conn-id-1", "conn-key-1"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection.Id, Is.Null);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        Assert.That(client.Connection.Id, Is.EqualTo("unique-conn-id-1"));
    }

    // UTS: realtime/unit/RTN9a/key-unset-until-connected-0
    [Test]
    public async Task RTN9_RTN9a_KeyIsUnsetUntilConnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("unique-conn-id-1", "conn-key-1"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection.Key, Is.Null);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        Assert.That(client.Connection.Key, Is.EqualTo("conn-key-1"));
    }

    // UTS: realtime/unit/RTN8b/id-unique-per-connection-0
    [Test]
    public async Task RTN8b_IdIsUniquePerConnection()
    {
        var (scheduler, server) = Server();
        await using var client1 = server.CreateRealtime(o => o with { AutoConnect = false });
        await using var client2 = server.CreateRealtime(o => o with { AutoConnect = false });

        client1.Connection.Connect();
        scheduler.AwaitState(client1.Connection, ConnectionState.Connected);
        client2.Connection.Connect();
        scheduler.AwaitState(client2.Connection, ConnectionState.Connected);

        Assert.That(client1.Connection.Id, Is.Not.EqualTo(client2.Connection.Id));
        Assert.That(client1.Connection.Id, Is.EqualTo("conn-id-1"));
        Assert.That(client2.Connection.Id, Is.EqualTo("conn-id-2"));
    }

    // UTS: realtime/unit/RTN9b/key-unique-per-connection-0
    [Test]
    public async Task RTN9b_KeyIsUniquePerConnection()
    {
        var (scheduler, server) = Server();
        await using var client1 = server.CreateRealtime(o => o with { AutoConnect = false });
        await using var client2 = server.CreateRealtime(o => o with { AutoConnect = false });

        client1.Connection.Connect();
        scheduler.AwaitState(client1.Connection, ConnectionState.Connected);
        client2.Connection.Connect();
        scheduler.AwaitState(client2.Connection, ConnectionState.Connected);

        Assert.That(client1.Connection.Key, Is.Not.EqualTo(client2.Connection.Key));
        Assert.That(client1.Connection.Key, Is.EqualTo("conn-key-1"));
        Assert.That(client2.Connection.Key, Is.EqualTo("conn-key-2"));
    }

    // UTS: realtime/unit/RTN8c/id-null-after-closed-0
    [Test]
    public async Task RTN8d_IdIsNullAfterClosed()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(client.Connection.Id, Is.EqualTo("conn-id-1"));
        scheduler.Await(client.Connection.CloseAsync());
        scheduler.AwaitState(client.Connection, ConnectionState.Closed);

        Assert.That(client.Connection.Id, Is.Null);
    }

    // UTS: realtime/unit/RTN9c/key-null-after-closed-0
    [Test]
    public async Task RTN9d_KeyIsNullAfterClosed()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(client.Connection.Key, Is.EqualTo("conn-key-1"));
        scheduler.Await(client.Connection.CloseAsync());
        scheduler.AwaitState(client.Connection, ConnectionState.Closed);

        Assert.That(client.Connection.Key, Is.Null);
    }

    // UTS: realtime/unit/RTN8c/id-key-null-after-failed-1
    [Test]
    public async Task RTN8d_RTN9d_IdAndKeyNullAfterFailed()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithError(ProtocolFrame.ErrorFrame(new ErrorInfo(80000, 400, "Fatal error")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed);

        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }

    // UTS: realtime/unit/RTN8c/id-key-null-after-suspended-2
    // The UTS case cites the replaced clauses ("null in SUSPENDED"); RTN8d and RTN9d no longer list SUSPENDED. The
    // client of this case never connects, so its id and key are null because they were never set (RTN8a, RTN9a).
    [Test]
    public async Task RTN8a_RTN9a_IdAndKeyNullInSuspendedWhenNeverConnected()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.RefusingClient();

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected);
        scheduler.AdvanceTime(TimeSpan.FromSeconds(121));
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended);

        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }
}
