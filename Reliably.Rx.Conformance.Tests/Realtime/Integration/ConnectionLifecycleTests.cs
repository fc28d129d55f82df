using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration;

/// <summary>uts/realtime/integration/connection_lifecycle_test.md (RTN4b, RTN4c, RTN11, RTN12, RTN21): against the emulator.</summary>
[TestFixture]
[Category("uts/realtime/integration/connection_lifecycle_test.md")]
public sealed class ConnectionLifecycleTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTN4b/successful-connection-0
    [Test]
    public async Task RTN4b_RTN21_SuccessfulConnectionEstablishment()
    {
        var client = Realtime(SandboxOptions());
        using var states = RecordLaterStates(client.Connection);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));

        client.Connection.Connect();
        await states.WaitForAsync(ConnectionState.Connecting, Wait);
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Does.Match("^[a-zA-Z0-9_-]+$"));
        Assert.That(client.Connection.Key, Does.Match("^[a-zA-Z0-9_!-]+$"));
        Assert.That(client.Connection.ErrorReason, Is.Null);
    }

    // UTS: realtime/integration/RTN4c/graceful-close-0
    [Test]
    [Adapted("close() is CloseAsync(), awaited only after the CLOSING and CLOSED states are observed")]
    public async Task RTN4c_RTN12_RTN12a_GracefulConnectionClose()
    {
        var client = await ConnectedAsync();
        using var states = RecordLaterStates(client.Connection);

        var closing = client.Connection.CloseAsync();
        await states.WaitForAsync(ConnectionState.Closing, Wait);
        await AwaitStateAsync(client.Connection, ConnectionState.Closed);
        await closing.WaitAsync(Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed));
        Assert.That(client.Connection.ErrorReason, Is.Null);
        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }

    // UTS: realtime/integration/RTN11/connect-reconnect-cycle-0
    [Test]
    public async Task RTN11_RTN4b_ConnectAndReconnectCycle()
    {
        var client = Realtime(SandboxOptions());
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected);
        var firstConnectionId = client.Connection.Id;

        await client.Connection.CloseAsync().WaitAsync(Wait);
        await AwaitStateAsync(client.Connection, ConnectionState.Closed);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected);
        var secondConnectionId = client.Connection.Id;

        Assert.That(secondConnectionId, Is.Not.Null);
        Assert.That(secondConnectionId, Is.Not.EqualTo(firstConnectionId), "a new connection, not a resume");
        Assert.That(client.Connection.ErrorReason, Is.Null);
    }
}
