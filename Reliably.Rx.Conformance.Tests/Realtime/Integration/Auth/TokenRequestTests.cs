using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Auth;

/// <summary>uts/realtime/integration/auth/token_request_test.md (RSA9, RSA9a, RSA9g): signed TokenRequests the server accepts.</summary>
[TestFixture]
[Category("uts/realtime/integration/auth/token_request_test.md")]
public sealed class TokenRequestTests : EmulatorSandbox
{
    // UTS: realtime/integration/RSA9a/token-request-server-accepted-0
    [Test]
    public async Task RSA9a_RSA9g_CreateTokenRequestProducesServerAcceptedToken()
    {
        var creator = Rest(SandboxOptions());
        var client = Realtime(TokenOptions(o => o with
        {
            AuthCallback = async (_, ct) => await creator.Auth.CreateTokenRequestAsync(cancellationToken: ct),
        }));

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason, Is.Null);
    }

    // UTS: realtime/integration/RSA9/token-request-with-clientid-0
    [Test]
    public async Task RSA9_CreateTokenRequestWithClientId()
    {
        var testClientId = "token-request-client-" + Guid.NewGuid().ToString("N")[..12];
        var creator = Rest(SandboxOptions());
        var client = Realtime(TokenOptions(o => o with
        {
            AuthCallback = async (_, ct) => await creator.Auth.CreateTokenRequestAsync(new TokenParams { ClientId = testClientId }, cancellationToken: ct),
            ClientId = testClientId,
        }));

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Auth.ClientId, Is.EqualTo(testClientId));
    }
}
