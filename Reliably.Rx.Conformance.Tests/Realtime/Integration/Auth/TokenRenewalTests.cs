using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Auth;

/// <summary>uts/realtime/integration/auth/token_renewal_test.md (RSA4b, RTN14b): a token expiring on a live connection is renewed.</summary>
[TestFixture]
[Category("uts/realtime/integration/auth/token_renewal_test.md")]
public sealed class TokenRenewalTests : EmulatorSandbox
{
    // UTS: realtime/integration/RSA4b/token-renewal-on-expiry-0
    [Test]
    public async Task RSA4b_RTN14b_TokenRenewalOnExpiry()
    {
        var callbackCount = new Counter();
        var client = Realtime(TokenOptions(o => o with
        {
            AuthCallback = Jwt.Callback(ApiKey, calls: callbackCount, ttlForCall: call => call == 1 ? TimeSpan.FromSeconds(5) : TimeSpan.FromHours(1)),
        }));

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected);
        Assert.That(callbackCount.Value, Is.EqualTo(1));

        // The emulator sends DISCONNECTED 40142 when the 5-second token expires (wall clock, as the sandbox does).
        await callbackCount.WaitForAsync(2, TimeSpan.FromSeconds(30) + Wait);
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(callbackCount.Value, Is.GreaterThanOrEqualTo(2));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
