using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/revoke_tokens.md (RSA17, TRS2, TRF2) against the emulator.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/revoke_tokens.md")]
public sealed class RevokeTokensTests : RestSandbox
{
    private const string NonRenewable =
        "the client's token cannot be renewed, so the DISCONNECTED 40141 the server sends makes it FAILED at once (RTN15h1) "
        + "with 40171 and the server's 40141 as its cause (RSA4a2), as RTN15h1_RSA4a2 asserts; the spec's DISCONNECTED "
        + "with 40141 is the state ably-js passes through on its way there";

    /// <summary>keys[4]: the app's key with revocableTokens.</summary>
    private string RevocableKey => KeyOf(4);

    // UTS: rest/integration/RSA17g/revoke-token-prevents-use-0
    [Test]
    [Adapted(NonRenewable)]
    public async Task RSA17g_RSA17b_RSA17c_TRS2_RevocationPreventsSubsequentUse()
    {
        var clientId = "revoke-client-" + Guid.NewGuid().ToString("N")[..8];
        var keyClient = Rest(o => o with { Key = RevocableKey });
        var token = await Await(keyClient.Auth.RequestTokenAsync(new TokenParams { ClientId = clientId }));
        var realtime = Realtime(o => o with { Key = null, TokenDetails = token });
        realtime.Connection.Connect();
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var revoked = LeftConnectedAsync(realtime);

        var result = await Await(keyClient.Auth.RevokeTokensAsync([TokenRevocationTargetSpecifier.ClientId(clientId)]));
        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((1, 0, 1)));
        Assert.That(result.Results[0].Target, Is.EqualTo("clientId:" + clientId));
        Assert.That(result.Results[0].IssuedBefore, Is.Not.Null);
        Assert.That(result.Results[0].AppliesAt, Is.Not.Null);
        AssertRevoked(await revoked);
    }

    // UTS: rest/integration/RSA17d/token-auth-revoke-rejected-0
    [Test]
    public async Task RSA17d_TokenAuthClientRejected()
    {
        var tokenRest = Rest(o => o with { Key = null, Token = Jwt.Generate(RevocableKey, TimeSpan.FromMilliseconds(3600000)) });

        // A client-side check: no request is made.
        var error = await AwaitFailure(tokenRest.Auth.RevokeTokensAsync([TokenRevocationTargetSpecifier.ClientId("anyone")]));
        Assert.That((error.Code, error.StatusCode), Is.EqualTo((40162, 401)));
    }

    // UTS: rest/integration/RSA17e/issued-before-reauth-margin-0
    [Test]
    public async Task RSA17e_RSA17f_IssuedBeforeAndAllowReauthMargin()
    {
        var keyClient = Rest(o => o with { Key = RevocableKey });
        var serverTime = await Await(keyClient.TimeAsync());
        var issuedBefore = serverTime - TimeSpan.FromMinutes(20);

        var result = await Await(keyClient.Auth.RevokeTokensAsync(
            [TokenRevocationTargetSpecifier.ClientId("revoke-margin-client-" + Guid.NewGuid().ToString("N")[..8])],
            new TokenRevocationOptions { IssuedBefore = issuedBefore, AllowReauthMargin = true }));
        Assert.That(result.SuccessCount, Is.EqualTo(1));
        Assert.That(result.Results, Has.Count.EqualTo(1));
        Assert.That(result.Results[0].IssuedBefore, Is.EqualTo(issuedBefore));
        Assert.That(result.Results[0].AppliesAt, Is.GreaterThan(serverTime + TimeSpan.FromSeconds(30)));
    }

    // UTS: rest/integration/RSA17c/mixed-success-failure-0
    [Test]
    [Adapted(NonRenewable)]
    public async Task RSA17c_TRF2_MixedSuccessAndFailure()
    {
        var clientId = "revoke-mixed-client-" + Guid.NewGuid().ToString("N")[..8];
        var keyClient = Rest(o => o with { Key = RevocableKey });
        var token = await Await(keyClient.Auth.RequestTokenAsync(new TokenParams { ClientId = clientId }));
        var realtime = Realtime(o => o with { Key = null, TokenDetails = token });
        realtime.Connection.Connect();
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var revoked = LeftConnectedAsync(realtime);

        var result = await Await(keyClient.Auth.RevokeTokensAsync(
            [TokenRevocationTargetSpecifier.ClientId(clientId), new TokenRevocationTargetSpecifier("invalidType", "abc")]));
        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((1, 1, 2)));
        Assert.That(result.Results[0].Target, Is.EqualTo("clientId:" + clientId));
        Assert.That(result.Results[0].Success, Is.True);
        Assert.That(result.Results[1].Target, Is.EqualTo("invalidType:abc"));
        Assert.That(result.Results[1].Error!.StatusCode, Is.EqualTo(400));
        AssertRevoked(await revoked);
    }

    /// <summary>The first state after CONNECTED: DISCONNECTED (a client that can renew) or FAILED (one that cannot).</summary>
    private static Task<ConnectionStateChange> LeftConnectedAsync(AblyRealtime realtime) =>
        realtime.Connection.StateChanges
            .FirstAsync(c => c.Current is ConnectionState.Disconnected or ConnectionState.Failed)
            .ToTask()
            .WaitAsync(Wait);

    private static void AssertRevoked(ConnectionStateChange change)
    {
        Assert.That(change.Current, Is.EqualTo(ConnectionState.Failed));
        Assert.That(change.Reason?.Code, Is.EqualTo(40171));
        Assert.That(change.Reason?.Cause?.Code, Is.EqualTo(40141));
    }
}
