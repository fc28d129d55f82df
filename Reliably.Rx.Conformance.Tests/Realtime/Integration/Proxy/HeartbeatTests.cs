using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Proxy;

/// <summary>uts/realtime/integration/proxy/heartbeat.md (RTN23a): a transport that fails after CONNECTED is replaced by a resumed one.</summary>
[TestFixture]
[Category("uts/realtime/integration/proxy/heartbeat.md")]
public sealed class HeartbeatTests : EmulatorSandbox
{
    // UTS: realtime/proxy/RTN23a/heartbeat-starvation-reconnect-0
    [Test]
    [Adapted("the proxy's close 2 s after ws_connect is the emulator's clean close once the client is CONNECTED (an event, not a wait)")]
    public async Task RTN23a_TransportFailureCausesDisconnectAndReconnect()
    {
        var mark = AttemptMark();
        var client = Realtime(JwtOptions());
        using var stateChanges = RecordLaterStates(client.Connection);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        var firstConnectionId = client.Connection.Id;
        Assert.That(firstConnectionId, Is.Not.Null);
        Emulator.Faults.CloseConnection(firstConnectionId!);
        await stateChanges.WaitForAsync(ConnectionState.Disconnected, TimeSpan.FromSeconds(15) + Wait);
        await stateChanges.WaitForAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30) + Wait, times: 2);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.Not.Null);
        Assert.That(client.Connection.Key, Is.Not.Null);
        Assert.That(
            stateChanges.ContainsInOrder(ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Connected),
            Is.True,
            string.Join(", ", stateChanges.States));
        var wsConnects = AttemptsSince(mark);
        Assert.That(wsConnects, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(wsConnects[1].Parameter("resume"), Is.Not.Null);
    }
}
