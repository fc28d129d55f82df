using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/error_reason_test.md (RTN25): <c>Connection#errorReason</c>.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/error_reason_test.md")]
public sealed class ErrorReasonTests
{
    private static void FailWith(ScriptedAbly server, ErrorInfo error) =>
        server.OnConnectionAttempt = c =>
        {
            c.Accept();
            c.SendAndClose(ProtocolFrame.ErrorFrame(error));
        };

    // UTS: realtime/unit/RTN25/error-reason-on-failed-0
    [Test]
    public async Task RTN25_ErrorReasonSetOnConnectionErrors()
    {
        var (scheduler, server) = Uts.Mock();
        FailWith(server, new ErrorInfo(40005, 400, "Invalid API key"));
        await using var client = server.CreateRealtime(o => o with { Key = "invalid.key:secret", AutoConnect = false });

        Assert.That(client.Connection.ErrorReason, Is.Null);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        var reason = client.Connection.ErrorReason;
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Code, Is.EqualTo(40005));
        Assert.That(reason.StatusCode, Is.EqualTo(400));
        Assert.That(reason.Message, Is.EqualTo("Invalid API key"));
    }

    // UTS: realtime/unit/RTN25/error-reason-disconnected-1
    [Test]
    public async Task RTN25_RTN14d_ErrorReasonOnDisconnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.WithoutHttp().OnConnectionAttempt = c => c.Refuse();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Message, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN25/error-reason-suspended-2
    [Test]
    [Adapted("The spec's short default connectionStateTtl (5 s) is set with ClientOptions.ConnectionStateTtl, the default the client uses until a CONNECTED says otherwise (RTN21)")]
    public async Task RTN25_RTN14e_ErrorReasonOnSuspended()
    {
        var (scheduler, server) = Uts.Mock();
        server.WithoutHttp().OnConnectionAttempt = c => c.Refuse();
        await using var client = server.CreateRealtime(o => o with
        {
            DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500),
            ConnectionStateTtl = TimeSpan.FromSeconds(5),
            AutoConnect = false,
        });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected);
        scheduler.AdvanceTime(5000 + 100);
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended, TimeSpan.FromSeconds(1));

        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Message, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN25/error-reason-token-error-3
    [Test]
    public async Task RTN25_RSA4a2_ErrorReasonOnTokenErrorWithoutMeansToRenew()
    {
        var (scheduler, server) = Uts.Mock();
        FailWith(server, new ErrorInfo(40142, 401, "Token expired"));
        await using var client = server.CreateRealtime(o => o with { Key = null, Token = "expired_token", AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40171));
    }

    // UTS: realtime/unit/RTN25/error-reason-cleared-on-connect-4
    [Test]
    public async Task RTN25_ErrorReasonClearedOnSuccessfulConnection()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.WithoutHttp().OnConnectionAttempt = c =>
        {
            if (++attempts == 1)
            {
                c.Refuse();
            }
            else
            {
                c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
            }
        };
        await using var client = server.CreateRealtime(o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(100), AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        scheduler.AdvanceTime(150);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        // The spec allows either clearing errorReason or keeping it; this client clears it on a clean CONNECTED.
        Assert.That(client.Connection.ErrorReason, Is.Null);
    }

    // UTS: realtime/unit/RTN25/error-reason-protocol-error-5
    [Test]
    public async Task RTN25_RTN14g_ErrorReasonOnProtocolLevelError()
    {
        var (scheduler, server) = Uts.Mock();
        FailWith(server, new ErrorInfo(50000, 500, "Internal server error"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        var reason = client.Connection.ErrorReason;
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Code, Is.EqualTo(50000));
        Assert.That(reason.StatusCode, Is.EqualTo(500));
        Assert.That(reason.Message, Is.EqualTo("Internal server error"));
    }

    // UTS: realtime/unit/RTN25/error-reason-in-state-change-6
    [Test]
    public async Task RTN25_RTN4f_ErrorReasonInStateChangeEvents()
    {
        var (scheduler, server) = Uts.Mock();
        FailWith(server, new ErrorInfo(40003, 400, "Access token invalid"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();

        var failed = changes.Into(ConnectionState.Failed);
        Assert.That(failed, Has.Count.EqualTo(1));
        var change = failed[0];
        Assert.That(change.Reason, Is.Not.Null);
        Assert.That(change.Reason!.Code, Is.EqualTo(40003));
        Assert.That(change.Reason.StatusCode, Is.EqualTo(400));
        Assert.That(change.Reason.Message, Is.EqualTo("Access token invalid"));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(change.Reason.Code));
        Assert.That(client.Connection.ErrorReason.Message, Is.EqualTo(change.Reason.Message));
    }
}
