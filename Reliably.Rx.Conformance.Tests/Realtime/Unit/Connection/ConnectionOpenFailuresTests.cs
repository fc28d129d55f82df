using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/connection_open_failures_test.md (RTN14): connection opening failures.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/connection_open_failures_test.md")]
public sealed class ConnectionOpenFailuresTests
{
    private static ProtocolFrame Connected => ProtocolFrame.Connected("connection-id", "connection-key");

    // UTS: realtime/unit/RTN14a/invalid-key-failed-0
    [Test]
    public async Task RTN14a_InvalidKeyCausesFailedState()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
        {
            c.Accept();
            c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40005, 400, "Invalid key")));
        };
        await using var client = server.CreateRealtime(o => o with { Key = "invalid.key:secret", AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40005));
        Assert.That(client.Connection.ErrorReason.StatusCode, Is.EqualTo(400));
        Assert.That(client.Connection.Id, Is.Null);
        Assert.That(client.Connection.Key, Is.Null);
    }

    // UTS: realtime/unit/RTN14b/token-error-with-renewal-0
    [Test]
    [Ignore("UTS spec error: expects 2 token requests (\"initial + renewal\") from a client configured with only a key; by RSA4 a key alone means Basic auth, so the first connection requests no token")]
    public async Task RTN14b_TokenErrorDuringConnectionWithRenewal()
    {
        var (scheduler, server) = Uts.Mock();
        var tokenRequests = 0;
        var attempts = 0;
        server.OnHttpRequest = r =>
        {
            if (r.Path.Contains("/keys/", StringComparison.Ordinal))
            {
                tokenRequests++;
                r.RespondWith(200, UtsAuth.TokenResponse(scheduler, "renewed_token_" + tokenRequests));
            }
        };
        server.OnConnectionAttempt = c =>
        {
            attempts++;
            c.Accept();
            if (attempts == 1)
            {
                c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40142, 401, "Token expired")));
            }
            else
            {
                c.Send(Connected);
            }
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(tokenRequests, Is.EqualTo(2));
        Assert.That(attempts, Is.EqualTo(2));
    }

    // UTS: realtime/unit/RTN14b/token-renewal-fails-1
    [Test]
    public async Task RTN14b_TokenErrorDuringConnectionAndRenewalFails()
    {
        var (scheduler, server) = Uts.Mock();
        var calls = new UtsAuth.Counter();
        server.OnConnectionAttempt = c => c.RespondWithError(ProtocolFrame.ErrorFrame(new ErrorInfo(40142, 401, "Token expired")));
        await using var client = server.CreateRealtime(o => o with
        {
            Key = null,
            AuthCallback = UtsAuth.Callback(
                n => n == 1 ? UtsAuth.Token(scheduler, "initial-token") : throw UtsAuth.Error(40171, 401, "Unable to renew token"),
                calls),
            AutoConnect = false,
        });
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(calls.Value, Is.EqualTo(2));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
    }

    // UTS: realtime/unit/RSA4a/token-error-no-renewal-0
    [Test]
    public async Task RSA4a_RSA4a2_TokenErrorDuringConnectionWithoutMeansToRenew()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
        {
            c.Accept();
            c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40142, 401, "Token expired")));
        };
        await using var client = server.CreateRealtime(o => o with { Key = null, Token = "expired_token_string", AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40171));
    }

    // UTS: realtime/unit/RTN14c/connection-timeout-0
    [Test]
    public async Task RTN14c_ConnectionTimesOutWithoutConnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.WithoutHttp().OnConnectionAttempt = c => c.Accept();
        await using var client = server.CreateRealtime(o => o with { RealtimeRequestTimeout = TimeSpan.FromSeconds(1), AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        scheduler.AdvanceTime(1100);
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(1));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(
            client.Connection.ErrorReason!.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase) || client.Connection.ErrorReason.Code is 50003 or 80003,
            Is.True,
            client.Connection.ErrorReason.ToString());
    }

    // UTS: realtime/unit/RTN14d/retry-recoverable-failure-0
    [Test]
    public async Task RTN14d_RetryAfterRecoverableFailure()
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
                c.RespondWithSuccess(Connected);
            }
        };
        await using var client = server.CreateRealtime(o => o with { DisconnectedRetryTimeout = TimeSpan.FromSeconds(1), AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(2));
        scheduler.AdvanceTime(1100);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(attempts, Is.EqualTo(2));
    }

    // UTS: realtime/unit/RTN14e/disconnected-to-suspended-0
    [Test]
    [Adapted("The spec's short default connectionStateTtl (5 s) is set with ClientOptions.ConnectionStateTtl, the default the client uses until a CONNECTED says otherwise (RTN21)")]
    public async Task RTN14e_DisconnectedToSuspendedAfterConnectionStateTtl()
    {
        var (scheduler, server) = Uts.Mock();
        server.WithoutHttp().OnConnectionAttempt = c => c.Refuse();
        await using var client = server.CreateRealtime(o => o with
        {
            DisconnectedRetryTimeout = TimeSpan.FromSeconds(1),
            ConnectionStateTtl = TimeSpan.FromSeconds(5),
            AutoConnect = false,
        });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected);
        scheduler.AdvanceTime(5000 + 100);
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended, TimeSpan.FromSeconds(1));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Suspended));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN14f/suspended-retries-indefinitely-0
    [Test]
    [Adapted("The case is internally inconsistent: attempts 1 and 2 are refused and attempt 3 succeeds about 1 s after the first (disconnectedRetryTimeout 500 ms), long before connectionStateTtl (120 s) could make the connection SUSPENDED, so its AWAIT_STATE suspended never completes. The test refuses every attempt until the connection is SUSPENDED, checks that it keeps retrying every suspendedRetryTimeout while it stays SUSPENDED, then lets an attempt succeed.")]
    public async Task RTN14f_SuspendedStateRetriesIndefinitely()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<DateTimeOffset>();
        var accept = false;
        server.WithoutHttp().OnConnectionAttempt = c =>
        {
            attempts.Add(scheduler.Now);
            if (accept)
            {
                c.RespondWithSuccess(Connected);
            }
            else
            {
                c.Refuse();
            }
        };
        await using var client = server.CreateRealtime(o => o with
        {
            DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500),
            SuspendedRetryTimeout = TimeSpan.FromSeconds(1),
            AutoConnect = false,
        });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Suspended, TimeSpan.FromMinutes(3));
        var suspendedAt = scheduler.Now;
        var before = attempts.Count;
        scheduler.AdvanceTime(5500);

        // RTN14f: still SUSPENDED, with an attempt every suspendedRetryTimeout (1 s) meanwhile.
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Suspended));
        var whileSuspended = attempts.Skip(before).ToList();
        Assert.That(whileSuspended, Has.Count.InRange(5, 6));
        var intervals = whileSuspended.Zip(whileSuspended.SkipLast(1).Prepend(suspendedAt), (attempt, previous) => attempt - previous);
        // Within a millisecond of the timeout: the scheduler's few ticks of processing after each timer count too.
        Assert.That(intervals, Has.All.InRange(TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.001)));

        accept = true;
        var refused = attempts.Count;
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(attempts, Has.Count.EqualTo(refused + 1));
    }

    // UTS: realtime/unit/RTN14g/error-empty-channel-failed-0
    [Test]
    public async Task RTN14g_ErrorWithEmptyChannelCausesFailed()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c =>
        {
            c.Accept();
            c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(50000, 500, "Internal server error")));
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(50000));
        Assert.That(client.Connection.ErrorReason.StatusCode, Is.EqualTo(500));
        Assert.That(client.Connection.ErrorReason.Message, Is.EqualTo("Internal server error"));
    }
}
