using System.Reactive.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Proxy;

/// <summary>uts/realtime/integration/proxy/auth_reauth.md (RTN22, RTC8a): an injected server AUTH makes the client re-authenticate in band.</summary>
[TestFixture]
[Category("uts/realtime/integration/proxy/auth_reauth.md")]
public sealed class AuthReauthTests : EmulatorSandbox
{
    private const int Auth = 17;

    // UTS: realtime/proxy/RTN22/server-initiated-reauth-0
    [Test]
    [Adapted("the client's AUTH is awaited as the connection's UPDATE (the server's CONNECTED answering it, RTN24) rather than by polling the log")]
    public async Task RTN22_RTC8a_ServerInitiatedReauthentication()
    {
        var authCallbackCount = new Counter();
        var client = Realtime(TokenOptions(o => o with { AuthCallback = Jwt.Callback(ApiKey, calls: authCallbackCount) }));
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        var originalConnectionId = client.Connection.Id;
        var originalAuthCallbackCount = authCallbackCount.Value;
        Assert.That(originalConnectionId, Is.Not.Null);
        Assert.That(originalAuthCallbackCount, Is.GreaterThanOrEqualTo(1));
        using var stateChanges = RecordLaterStates(client.Connection);
        var updates = new Collector<ConnectionStateChange>();
        using var updateSubscription = client.Connection.StateChanges.Skip(1).Where(c => c.Event == ConnectionEvent.Update).Subscribe(updates);

        Emulator.Faults.SendFrame(originalConnectionId!, """{"action":17}""");
        await authCallbackCount.WaitForAsync(originalAuthCallbackCount + 1, TimeSpan.FromSeconds(15) + Wait);
        await updates.WaitForAsync(1, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(authCallbackCount.Value, Is.EqualTo(originalAuthCallbackCount + 1));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.EqualTo(originalConnectionId));
        Assert.That(stateChanges.States.Where(s => s != ConnectionState.Connected), Is.Empty);
        var clientAuthFrames = FramesOf(originalConnectionId!, EmulatorFrameDirection.Inbound, Auth).Where(f => f["auth"] is not null);
        Assert.That(clientAuthFrames, Is.Not.Empty);
    }
}
