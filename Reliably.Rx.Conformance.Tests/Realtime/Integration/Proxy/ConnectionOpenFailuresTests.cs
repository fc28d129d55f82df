using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Proxy;

/// <summary>
/// uts/realtime/integration/proxy/connection_open_failures.md (RTN14a, RTN14b, RTN14c, RTN14d, RTN14g): the first
/// CONNECTED replaced or swallowed, or the first attempt refused, by the emulator.
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/proxy/connection_open_failures.md")]
public sealed class ConnectionOpenFailuresTests : EmulatorSandbox
{
    private const int Connected = 4;

    // UTS: realtime/proxy/RTN14a/fatal-connect-error-0
    [Test]
    public async Task RTN14a_FatalErrorDuringConnectionOpenCausesFailed()
    {
        Emulator.Faults.ReplaceFrames(Connected, """{"action":9,"error":{"code":40005,"statusCode":400,"message":"Invalid key"}}""", count: 1);
        var client = Realtime(SandboxOptions());
        using var stateChanges = RecordLaterStates(client.Connection);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason?.Code, Is.EqualTo(40005));
        Assert.That(client.Connection.ErrorReason?.StatusCode, Is.EqualTo(400));
        await stateChanges.WaitForAsync(ConnectionState.Failed, Wait);
        Assert.That(stateChanges.ContainsInOrder(ConnectionState.Connecting, ConnectionState.Failed), Is.True, string.Join(", ", stateChanges.States));
        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }

    // UTS: realtime/proxy/RTN14b/token-error-renew-reconnect-0
    [Test]
    public async Task RTN14b_TokenErrorDuringConnectionIsRenewedAndReconnects()
    {
        var mark = AttemptMark();
        Emulator.Faults.ReplaceFrames(Connected, """{"action":9,"error":{"code":40142,"statusCode":401,"message":"Token expired"}}""", count: 1);
        var authCallbackCount = new Counter();
        var tokenSource = Rest(SandboxOptions());
        var client = Realtime(TokenOptions(o => o with
        {
            AuthCallback = async (tokenParams, ct) =>
            {
                authCallbackCount.Increment();
                return await tokenSource.Auth.RequestTokenAsync(tokenParams, cancellationToken: ct);
            },
        }));
        using var stateChanges = RecordLaterStates(client.Connection);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(30) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.Not.Null);
        Assert.That(client.Connection.Key, Is.Not.Null);
        Assert.That(authCallbackCount.Value, Is.GreaterThanOrEqualTo(2));
        await stateChanges.WaitForAsync(ConnectionState.Connected, Wait);
        Assert.That(stateChanges.ContainsInOrder(ConnectionState.Connecting, ConnectionState.Connected), Is.True, string.Join(", ", stateChanges.States));
        Assert.That(AttemptsSince(mark), Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(client.Connection.ErrorReason, Is.Null);
    }

    // UTS: realtime/proxy/RTN14d/retry-after-refused-0
    [Test]
    [Adapted("the proxy log's ws_connect events are the emulator's attempts, which include the refused one")]
    public async Task RTN14d_RetryAfterConnectionRefused()
    {
        var mark = AttemptMark();
        Emulator.Faults.FailConnectionAttempts(count: 1);
        var client = Realtime(SandboxOptions() with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(2000) });
        using var stateChanges = RecordLaterStates(client.Connection);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(30) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.Not.Null);
        Assert.That(client.Connection.Key, Is.Not.Null);
        await stateChanges.WaitForAsync(ConnectionState.Connected, Wait);
        Assert.That(
            stateChanges.ContainsInOrder(ConnectionState.Connecting, ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Connected),
            Is.True,
            string.Join(", ", stateChanges.States));
        Assert.That(AttemptsSince(mark), Has.Count.GreaterThanOrEqualTo(2));
    }

    // UTS: realtime/proxy/RTN14g/server-error-causes-failed-0
    [Test]
    public async Task RTN14g_ConnectionLevelErrorDuringOpenCausesFailed()
    {
        Emulator.Faults.ReplaceFrames(Connected, """{"action":9,"error":{"code":50000,"statusCode":500,"message":"Internal server error"}}""", count: 1);
        var client = Realtime(SandboxOptions());
        using var stateChanges = RecordLaterStates(client.Connection);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason?.Code, Is.EqualTo(50000));
        Assert.That(client.Connection.ErrorReason?.StatusCode, Is.EqualTo(500));
        Assert.That(client.Connection.ErrorReason?.Message, Is.EqualTo("Internal server error"));
        await stateChanges.WaitForAsync(ConnectionState.Failed, Wait);
        Assert.That(stateChanges.ContainsInOrder(ConnectionState.Connecting, ConnectionState.Failed), Is.True, string.Join(", ", stateChanges.States));
        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }

    // UTS: realtime/proxy/RTN14c/connection-timeout-0
    [Test]
    public async Task RTN14c_ConnectionTimeoutWhenNoConnectedIsReceived()
    {
        Emulator.Faults.SuppressFrames(EmulatorFrameDirection.Outbound, Connected);
        var client = Realtime(SandboxOptions() with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(3000) });
        using var stateChanges = RecordLaterStates(client.Connection);

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        var reason = client.Connection.ErrorReason;
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Message.Contains("timeout", StringComparison.Ordinal) || reason.Code is 50003 or 80003, Is.True, reason.ToString());
        await stateChanges.WaitForAsync(ConnectionState.Disconnected, Wait);
        Assert.That(stateChanges.ContainsInOrder(ConnectionState.Connecting, ConnectionState.Disconnected), Is.True, string.Join(", ", stateChanges.States));
        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }
}
