using Microsoft.Extensions.Logging;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Auth;

/// <summary>uts/realtime/unit/auth/token_expiry_non_renewable_test.md (RSA4a): a token with no means to renew it.</summary>
[TestFixture]
[Category("uts/realtime/unit/auth/token_expiry_non_renewable_test.md")]
public sealed class TokenExpiryNonRenewableTests
{
    // UTS: realtime/unit/RSA4a1/non-renewable-token-logs-warning-0
    [Test]
    [Divergence("The client logged a warning without the error code or its help URL; it now logs at info level with 40171 and https://help.ably.io/error/40171 (RSA4a1, TI5)")]
    public async Task RSA4a_RSA4a1_NonRenewableTokenIsLoggedAtInstantiation()
    {
        var (_, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        var logs = new CapturingLoggerFactory();

        await using var client = server.CreateRealtime(o => o with
        {
            Key = null,
            Token = "non-renewable-token",
            AutoConnect = false,
            UseBinaryProtocol = false,
            LoggerFactory = logs,
        });

        var info = logs.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message).ToList();
        Assert.That(info.Any(m => m.Contains("40171", StringComparison.Ordinal)
            || (m.Contains("no means", StringComparison.OrdinalIgnoreCase) && m.Contains("renew", StringComparison.OrdinalIgnoreCase))), Is.True,
            string.Join(" | ", logs.Entries));
        Assert.That(info.Any(m => m.Contains("https://help.ably.io/error/40171", StringComparison.Ordinal)), Is.True);
    }

    // UTS: realtime/unit/RSA4a2/token-error-non-renewable-failed-0
    [Test]
    [Divergence("A token error on connecting with a token that cannot be renewed failed the connection with the server's 40142; it now fails it with 40171, the server's error as the cause (RSA4a2)")]
    public async Task RSA4a_RSA4a2_TokenErrorWithNonRenewableTokenFailsWith40171()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
        {
            c.Accept();
            c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40142, 401, "Token expired")));
        };
        await using var client = server.CreateRealtime(o => o with { Key = null, Token = "expired-token", AutoConnect = false, UseBinaryProtocol = false });
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40171));
        var failed = changes.Into(ConnectionState.Failed);
        Assert.That(failed, Has.Count.EqualTo(1));
        Assert.That(failed[0].Reason, Is.Not.Null);
        Assert.That(failed[0].Reason!.Code, Is.EqualTo(40171));
    }

    // UTS: realtime/unit/RSA4a2/token-error-non-renewable-no-retry-1
    [Test]
    public async Task RSA4a2_TokenErrorWithNonRenewableTokenIsNotRetried()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.OnConnectionAttempt = c =>
        {
            attempts++;
            c.Accept();
            c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40140, 401, "Token error")));
        };
        await using var client = server.CreateRealtime(o => o with { Key = null, Token = "non-renewable-token", AutoConnect = false, UseBinaryProtocol = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        Assert.That(attempts, Is.EqualTo(1));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40171));
    }
}
