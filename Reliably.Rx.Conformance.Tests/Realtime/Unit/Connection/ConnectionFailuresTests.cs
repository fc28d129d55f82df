using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/connection_failures_test.md (RTN15): connection failures once CONNECTED.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/connection_failures_test.md")]
public sealed class ConnectionFailuresTests
{
    private const string KeyPath = "/keys/";

    private static ProtocolFrame Connected(string id, string key, ErrorInfo? error = null, TimeSpan? ttl = null) =>
        ProtocolFrame.Connected(id, key, connectionStateTtl: ttl, error: error);

    /// <summary>Attempt n (1-based) is answered by <paramref name="answer"/>; counts attempts and keeps each.</summary>
    private static List<ScriptedConnection> Answer(ScriptedAbly server, Action<int, ScriptedConnection> answer)
    {
        var attempts = new List<ScriptedConnection>();
        server.OnConnectionAttempt = c =>
        {
            attempts.Add(c);
            answer(attempts.Count, c);
        };
        return attempts;
    }

    // UTS: realtime/unit/RTN15h1/token-error-no-renew-0
    [Test]
    [Ignore("UTS spec error: expects errorReason 40142, the server's error itself; RSA4a2 requires a token error that nothing can renew to fail the connection with 40171 (the server's error as its cause), which the proxy case RTN15h1_RSA4a2 asserts against the emulator")]
    public async Task RTN15h1_DisconnectedWithTokenErrorAndNoMeansToRenew()
    {
        var (scheduler, server) = Uts.Mock();
        Answer(server, (_, c) => c.RespondWithSuccess(Connected("connection-id", "connection-key")));
        await using var client = server.CreateRealtime(o => o with { Key = null, Token = "some_token_string", AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        server.Connections[0].SendAndClose(ProtocolFrame.Disconnected(new ErrorInfo(40142, 401, "Token expired")));
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(2));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40142));
        Assert.That(client.Connection.ErrorReason.StatusCode, Is.EqualTo(401));
    }

    // UTS: realtime/unit/RTN15h2/token-error-renew-success-0
    [Test]
    [Ignore("UTS spec error: expects 2 token requests (\"initial + renewal\") from a client configured with only a key; by RSA4 a key alone means Basic auth, so the first connection requests no token")]
    public async Task RTN15h2_DisconnectedWithTokenErrorRenewsAndResumes()
    {
        var (scheduler, server) = Uts.Mock();
        var tokenRequests = 0;
        server.OnHttpRequest = r =>
        {
            if (r.Path.Contains(KeyPath, StringComparison.Ordinal))
            {
                tokenRequests++;
                r.RespondWith(200, UtsAuth.TokenResponse(scheduler, "renewed_token_" + tokenRequests));
            }
        };
        var attempts = Answer(server, (n, c) => c.RespondWithSuccess(n == 1 ? Connected("connection-1", "key-1") : Connected("connection-1", "key-1-renewed")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var firstId = client.Connection.Id;
        var firstKey = client.Connection.Key;
        using var changes = new ConnectionRecorder(client.Connection);
        attempts[0].SendAndClose(ProtocolFrame.Disconnected(new ErrorInfo(40142, 401, "Token expired")));
        changes.AwaitChange(scheduler, ConnectionState.Connecting, TimeSpan.FromSeconds(2));
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(tokenRequests, Is.EqualTo(2));
        Assert.That(client.Connection.Id, Is.EqualTo(firstId));
        Assert.That(client.Connection.Key, Is.Not.EqualTo(firstKey));
        Assert.That(client.Connection.Key, Is.EqualTo("key-1-renewed"));
    }

    // UTS: realtime/unit/RTN15h2/token-error-renew-fails-1
    [Test]
    public async Task RTN15h2_DisconnectedWithTokenErrorAndRenewalFails()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = r =>
        {
            if (r.Path.Contains(KeyPath, StringComparison.Ordinal))
            {
                r.RespondWith(401, """{"error":{"code":40101,"statusCode":401,"message":"Invalid credentials"}}""");
            }
            else
            {
                r.RefuseConnection();
            }
        };
        var attempts = Answer(server, (_, c) => c.RespondWithSuccess(Connected("connection-1", "key-1")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        attempts[0].SendAndClose(ProtocolFrame.Disconnected(new ErrorInfo(40142, 401, "Token expired")));
        var connecting = changes.AwaitChange(scheduler, ConnectionState.Connecting);

        // RTN15h2i: the transient DISCONNECTED before CONNECTING is not the one awaited: the one after the renewal failed is.
        Assert.That(scheduler.AdvanceUntil(
            () => changes.Changes.SkipWhile(c => !ReferenceEquals(c, connecting)).Any(c => c.Current == ConnectionState.Disconnected),
            TimeSpan.FromSeconds(5)), Is.True, string.Join(", ", changes.States));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
    }

    // UTS: realtime/unit/RTN15h3/non-token-error-resume-0
    [Test]
    public async Task RTN15h3_DisconnectedWithNonTokenErrorResumesAtOnce()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (_, c) => c.RespondWithSuccess(Connected("connection-1", "key-1")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var originalId = client.Connection.Id;
        using var changes = new ConnectionRecorder(client.Connection);
        attempts[0].SendAndClose(ProtocolFrame.Disconnected(new ErrorInfo(80003, 503, "Service unavailable")));
        changes.AwaitChange(scheduler, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.EqualTo(originalId));
        Assert.That(attempts, Has.Count.EqualTo(2));
        Assert.That(attempts[1].Param("resume"), Is.EqualTo("key-1"));
    }

    // UTS: realtime/unit/RTN15j/error-empty-channel-failed-0
    [Test]
    public async Task RTN15j_ErrorWithEmptyChannelCausesFailed()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (_, c) => c.RespondWithSuccess(Connected("connection-id", "connection-key")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        attempts[0].SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(50000, 500, "Internal error")));
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(2));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(50000));
        Assert.That(client.Connection.ErrorReason.StatusCode, Is.EqualTo(500));
    }

    // UTS: realtime/unit/RTN15a/unexpected-transport-disconnect-0
    [Test]
    public async Task RTN15a_UnexpectedTransportDisconnectResumes()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (_, c) => c.RespondWithSuccess(Connected("connection-1", "key-1")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var originalId = client.Connection.Id;
        using var changes = new ConnectionRecorder(client.Connection);
        attempts[0].Drop();
        changes.AwaitChange(scheduler, ConnectionState.Disconnected, TimeSpan.FromSeconds(1));
        changes.AwaitChange(scheduler, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.EqualTo(originalId));
        Assert.That(attempts, Has.Count.EqualTo(2));
    }

    // UTS: realtime/unit/RTN15b/successful-resume-0
    [Test]
    public async Task RTN15b_RTN15b1_RTN15c6_RTN15e_SuccessfulResume()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (n, c) => c.RespondWithSuccess(n == 1 ? Connected("connection-1", "key-1") : Connected("connection-1", "key-1-updated")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(client.Connection.Id, Is.EqualTo("connection-1"));
        attempts[0].Drop();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.Id, Is.EqualTo("connection-1"));
        Assert.That(client.Connection.Key, Is.EqualTo("key-1-updated"));
        Assert.That(attempts[1].Param("resume"), Is.EqualTo("key-1"));
        Assert.That(attempts, Has.Count.EqualTo(2));
    }

    // UTS: realtime/unit/RTN15c7/failed-resume-new-id-0
    [Test]
    public async Task RTN15c7_FailedResumeWithNewConnectionId()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (n, c) => c.RespondWithSuccess(n == 1
            ? Connected("connection-1", "key-1")
            : Connected("connection-2", "key-2", new ErrorInfo(80008, 400, "Unable to recover connection"))));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var originalId = client.Connection.Id;
        attempts[0].Drop();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.Id, Is.EqualTo("connection-2"));
        Assert.That(client.Connection.Id, Is.Not.EqualTo(originalId));
        Assert.That(client.Connection.Key, Is.EqualTo("key-2"));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(80008));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN15e/connection-key-updated-0
    // The spec covers this case with the successful-resume case above; it is asserted here on its own.
    [Test]
    public async Task RTN15e_ConnectionKeyUpdatedOnResume()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (n, c) => c.RespondWithSuccess(n == 1 ? Connected("connection-1", "key-1") : Connected("connection-1", "key-1-updated")));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        attempts[0].Drop();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.Key, Is.EqualTo("key-1-updated"));
    }

    // UTS: realtime/unit/RTN15g/state-cleared-after-ttl-0
    [Test]
    [Ignore("UTS spec error: cites RTN15g, replaced by RTN14h in features.md 6.1.0: reconnection attempts keep resuming however long the client was away, so the last attempt carries resume=key-1")]
    public async Task RTN15_ConnectionStateClearedAfterConnectionStateTtl()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = r => r.RespondWith(200, System.Text.Encoding.UTF8.GetBytes("yes"), "text/plain");
        var attempts = Answer(server, (n, c) =>
        {
            if (n == 1)
            {
                c.RespondWithSuccess(Connected("connection-1", "key-1", ttl: TimeSpan.FromSeconds(5)));
            }
            else if (n < 6)
            {
                c.Refuse();
            }
            else
            {
                c.RespondWithSuccess(Connected("connection-2", "key-2"));
            }
        });
        await using var client = server.CreateRealtime(o => o with
        {
            DisconnectedRetryTimeout = TimeSpan.FromSeconds(1),
            SuspendedRetryTimeout = TimeSpan.FromSeconds(2),
            AutoConnect = false,
            FallbackHosts = [],
        });
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var originalId = client.Connection.Id;
        var originalKey = client.Connection.Key;
        attempts[0].Drop();
        for (var i = 0; i < 15 && client.Connection.State != ConnectionState.Connected; i++)
        {
            scheduler.AdvanceTime(2500);
        }

        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();

        UtsAssert.ContainsInOrder(changes.States,
            ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected,
            ConnectionState.Suspended, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(client.Connection.Id, Is.EqualTo("connection-2"));
        Assert.That(client.Connection.Id, Is.Not.EqualTo(originalId));
        Assert.That(client.Connection.Key, Is.EqualTo("key-2"));
        Assert.That(client.Connection.Key, Is.Not.EqualTo(originalKey));
        Assert.That(attempts[^1].Param("resume"), Is.Null);
    }

    // UTS: realtime/unit/RTN15c5/token-error-during-resume-0
    [Test]
    [Adapted("The case expects 2 token requests (\"initial + renewal\") from a client configured with only a key, but by RSA4 a key alone means Basic auth, so the first connection would request no token. The client here also sets useTokenAuth (RSA4), so it connects with a token obtained with its key, as the case assumes.")]
    public async Task RTN15c5_TokenErrorDuringResumeRenewsToken()
    {
        var (scheduler, server) = Uts.Mock();
        var tokenRequests = 0;
        server.OnHttpRequest = r =>
        {
            if (r.Path.Contains(KeyPath, StringComparison.Ordinal))
            {
                tokenRequests++;
                r.RespondWith(200, UtsAuth.TokenResponse(scheduler, tokenRequests == 1 ? "initial_token" : "renewed_token"));
            }
        };
        var attempts = Answer(server, (n, c) =>
        {
            c.Accept();
            c.Send(n switch
            {
                1 => Connected("connection-1", "key-1"),
                2 => ProtocolFrame.ErrorFrame(new ErrorInfo(40142, 401, "Token expired")),
                _ => Connected("connection-2", "key-2"),
            });
        });
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false, UseTokenAuth = true });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        attempts[0].Drop();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(tokenRequests, Is.EqualTo(2));
        Assert.That(attempts, Has.Count.EqualTo(3));
        Assert.That(attempts.Select(a => a.Param("accessToken")), Is.EqualTo(new[] { "initial_token", "initial_token", "renewed_token" }));
        Assert.That(attempts[2].Param("resume"), Is.EqualTo("key-1"), "RTN15h2: the new attempt still resumes");
    }

    // UTS: realtime/unit/RTN15c4/fatal-error-during-resume-0
    [Test]
    public async Task RTN15c4_FatalErrorDuringResumeCausesFailed()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = Answer(server, (n, c) =>
        {
            c.Accept();
            c.Send(n == 1 ? Connected("connection-1", "key-1") : ProtocolFrame.ErrorFrame(new ErrorInfo(50000, 500, "Internal server error")));
        });
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        attempts[0].Drop();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(50000));
        Assert.That(attempts, Has.Count.EqualTo(2));
    }
}
