using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/revoke_tokens.md (RSA17, TRS2, TRF2) against the emulator. Token revocation is not implemented
/// yet: each case is translated up to what exists, with the intended calls written out, and ignored until it lands.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/revoke_tokens.md")]
public sealed class RevokeTokensTests : RestSandbox
{
    private const string NotImplemented = "not implemented: token revocation (RSA17, Auth.revokeTokens)";

    /// <summary>keys[4]: the app's key with revocableTokens.</summary>
    private string RevocableKey => KeyOf(4);

    // UTS: rest/integration/RSA17g/revoke-token-prevents-use-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RSA17g_RSA17b_RSA17c_TRS2_RevocationPreventsSubsequentUse()
    {
        var clientId = "revoke-client-" + Guid.NewGuid().ToString("N")[..8];
        var keyClient = Rest(o => o with { Key = RevocableKey });
        var token = await Await(keyClient.Auth.RequestTokenAsync(new TokenParams { ClientId = clientId }));
        var realtime = Realtime(o => o with { Key = null, TokenDetails = token });
        realtime.Connection.Connect();
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var disconnected = realtime.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);

        // Once RSA17 lands:
        // var result = await Await(keyClient.Auth.RevokeTokensAsync([new TokenRevocationTarget("clientId", clientId)]));
        // Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((1, 0, 1)));
        // Assert.That(result.Results[0].Target, Is.EqualTo("clientId:" + clientId));
        // Assert.That(result.Results[0].IssuedBefore, Is.Not.Null);
        // Assert.That(result.Results[0].AppliesAt, Is.Not.Null);
        Assert.That((await disconnected).Reason?.Code, Is.EqualTo(40141));
    }

    // UTS: rest/integration/RSA17d/token-auth-revoke-rejected-0
    [Test]
    [Ignore(NotImplemented)]
    public void RSA17d_TokenAuthClientRejected()
    {
        var tokenRest = Rest(o => o with { Key = null, Token = Jwt.Generate(RevocableKey, TimeSpan.FromMilliseconds(3600000)) });

        // Once RSA17 lands (a client-side check, no request):
        // var error = await AwaitFailure(tokenRest.Auth.RevokeTokensAsync([new TokenRevocationTarget("clientId", "anyone")]));
        // Assert.That((error.Code, error.StatusCode), Is.EqualTo((40162, 401)));
        Assert.That(tokenRest.Auth.IsBasicAuth, Is.False);
    }

    // UTS: rest/integration/RSA17e/issued-before-reauth-margin-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RSA17e_RSA17f_IssuedBeforeAndAllowReauthMargin()
    {
        var keyClient = Rest(o => o with { Key = RevocableKey });
        var serverTime = await Await(keyClient.TimeAsync());
        var issuedBefore = serverTime - TimeSpan.FromMinutes(20);

        // Once RSA17 lands:
        // var result = await Await(keyClient.Auth.RevokeTokensAsync(
        //     [new TokenRevocationTarget("clientId", "revoke-margin-client-" + id)],
        //     new TokenRevocationOptions { IssuedBefore = issuedBefore, AllowReauthMargin = true }));
        // Assert.That(result.SuccessCount, Is.EqualTo(1));
        // Assert.That(result.Results[0].IssuedBefore, Is.EqualTo(issuedBefore));
        // Assert.That(result.Results[0].AppliesAt, Is.GreaterThan(serverTime + TimeSpan.FromSeconds(30)));
        Assert.That(issuedBefore, Is.LessThan(serverTime));
    }

    // UTS: rest/integration/RSA17c/mixed-success-failure-0
    [Test]
    [Ignore(NotImplemented)]
    public async Task RSA17c_TRF2_MixedSuccessAndFailure()
    {
        var clientId = "revoke-mixed-client-" + Guid.NewGuid().ToString("N")[..8];
        var keyClient = Rest(o => o with { Key = RevocableKey });
        var token = await Await(keyClient.Auth.RequestTokenAsync(new TokenParams { ClientId = clientId }));
        var realtime = Realtime(o => o with { Key = null, TokenDetails = token });
        realtime.Connection.Connect();
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var disconnected = realtime.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);

        // Once RSA17 lands:
        // var result = await Await(keyClient.Auth.RevokeTokensAsync(
        //     [new TokenRevocationTarget("clientId", clientId), new TokenRevocationTarget("invalidType", "abc")]));
        // Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((1, 1, 2)));
        // Assert.That(result.Results[0].Target, Is.EqualTo("clientId:" + clientId));
        // Assert.That(result.Results[1].Target, Is.EqualTo("invalidType:abc"));
        // Assert.That(result.Results[1].Error!.StatusCode, Is.EqualTo(400));
        Assert.That((await disconnected).Reason?.Code, Is.EqualTo(40141));
    }
}
