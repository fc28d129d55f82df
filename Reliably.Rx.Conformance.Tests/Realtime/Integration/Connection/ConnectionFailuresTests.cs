using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Connection;

/// <summary>uts/realtime/integration/connection/connection_failures_test.md (RTN14a, RTN14g): the server refuses bad credentials.</summary>
[TestFixture]
[Category("uts/realtime/integration/connection/connection_failures_test.md")]
public sealed class ConnectionFailuresTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTN14a/invalid-key-failed-0
    [Test]
    public async Task RTN14a_InvalidApiKeyCausesFailed()
    {
        var client = Realtime(SandboxOptions(key: "invalid.key:secret"));

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        var error = client.Connection.ErrorReason;
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Code, Is.EqualTo(40005).Or.EqualTo(40101));
        Assert.That(error.StatusCode, Is.EqualTo(401).Or.EqualTo(404));
    }

    // UTS: realtime/integration/RTN14g/revoked-key-failed-0
    [Test]
    public async Task RTN14g_RevokedKeyCausesFailed()
    {
        var client = Realtime(SandboxOptions(key: "nonexistent.keyname:keysecret"));

        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(15) + Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        var error = client.Connection.ErrorReason;
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Code, Is.LessThan(40140).Or.GreaterThanOrEqualTo(40150), "not a token error");
    }
}
