using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Auth;

/// <summary>uts/realtime/unit/auth/connection_auth_test.md (RTN2e, RTN27b, RSA4c, RSA4d): authentication of the connection.</summary>
[TestFixture]
[Category("uts/realtime/unit/auth/connection_auth_test.md")]
public sealed class ConnectionAuthTests
{
    private static ProtocolFrame Connected => ProtocolFrame.Connected("connection-id", "connection-key");

    private static ProtocolFrame AuthFrame => new(new Newtonsoft.Json.Linq.JObject { ["action"] = (int)ProtocolAction.Auth });

    private static AblyRealtime Client(ScriptedAbly server, Func<TokenParams, CancellationToken, Task<object>> callback, string? clientId = null) =>
        server.CreateRealtime(o => o with { Key = null, AuthCallback = callback, ClientId = clientId, AutoConnect = false });

    // UTS: realtime/unit/RTN2e/token-before-websocket-0
    [Test]
    [Divergence("The token went in an access_token query parameter; RTN2e names it accessToken, which the client now sends")]
    public async Task RTN2e_RTN27b_TokenObtainedBeforeWebSocketConnection()
    {
        var (scheduler, server) = Uts.Mock();
        DateTimeOffset? callbackAt = null;
        DateTimeOffset? attemptAt = null;
        Uri? url = null;
        server.OnConnectionAttempt = c =>
        {
            attemptAt = scheduler.Now;
            url = c.Uri;
            c.RespondWithSuccess(Connected);
        };
        var calls = new UtsAuth.Counter();
        await using var client = Client(server, UtsAuth.Callback(_ =>
        {
            callbackAt = scheduler.Now;
            return UtsAuth.Token(scheduler, "callback-provided-token");
        }, calls));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(calls.Value, Is.GreaterThan(0));
        Assert.That(callbackAt, Is.LessThan(attemptAt!.Value));
        Assert.That(server.Connections[0].Param("accessToken"), Is.EqualTo("callback-provided-token"));
        Assert.That(server.Connections[0].Param("key"), Is.Null);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN2e/callback-error-prevents-connect-1
    [Test]
    public async Task RTN2e_RTN27b_AuthCallbackErrorPreventsConnectionAttempt()
    {
        var (scheduler, server) = Uts.Mock();
        var attempted = false;
        server.OnConnectionAttempt = c =>
        {
            attempted = true;
            c.RespondWithSuccess(Connected);
        };
        await using var client = Client(server, UtsAuth.Callback(_ => throw new InvalidOperationException("Auth callback failed"), new UtsAuth.Counter()));

        client.Connection.Connect();
        Assert.That(scheduler.AdvanceUntil(
            () => client.Connection.State is ConnectionState.Disconnected or ConnectionState.Failed, TimeSpan.FromSeconds(5)), Is.True);

        Assert.That(attempted, Is.False);
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.StatusCode == 401 || client.Connection.ErrorReason.Code == 40170, Is.True,
            client.Connection.ErrorReason.ToString());
    }

    // UTS: realtime/unit/RTN2e/callback-params-include-clientid-2
    [Test]
    public async Task RTN2e_RSA12a_AuthCallbackTokenParamsIncludeClientId()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected);
        TokenParams? received = null;
        await using var client = Client(server,
            UtsAuth.Callback(_ => UtsAuth.Token(scheduler, "token-for-client", "my-client-id"), new UtsAuth.Counter(), p => received = p),
            clientId: "my-client-id");

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(received, Is.Not.Null);
        Assert.That(received!.ClientId, Is.EqualTo("my-client-id"));
    }

    // UTS: realtime/unit/RTN2e/reuse-valid-token-3
    [Test]
    public async Task RTN2e_RSA8d_ValidTokenIsReusedForLaterConnections()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected);
        var calls = new UtsAuth.Counter();
        await using var client = Client(server, UtsAuth.Callback(_ => UtsAuth.Token(scheduler, "reusable-token"), calls));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        _ = client.Connection.CloseAsync();
        scheduler.AwaitState(client.Connection, ConnectionState.Closed);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        Assert.That(calls.Value, Is.EqualTo(1));
    }

    // UTS: realtime/unit/RSA4c2/callback-error-causes-disconnected-0
    [Test]
    [Divergence("The cause of the 80019 was the 40170 wrapper of the callback's error, not the callback's error itself; the connection now gives the underlying error as the cause (RSA4c1)")]
    public async Task RSA4c_RSA4c1_RSA4c2_AuthCallbackErrorWhileConnectingCausesDisconnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected);
        await using var client = Client(server, UtsAuth.Callback(
            n => n == 1 ? throw UtsAuth.Error(50000, 500, "Auth server unavailable") : UtsAuth.Token(scheduler, "valid-token-" + n),
            new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));

        var reason = client.Connection.ErrorReason;
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Code, Is.EqualTo(80019));
        Assert.That(reason.StatusCode, Is.EqualTo(401));
        Assert.That(reason.Cause, Is.Not.Null);
        Assert.That(reason.Cause!.Code, Is.EqualTo(50000));
    }

    // UTS: realtime/unit/RSA4c3/callback-error-stays-connected-0
    [Test]
    [Divergence("A failed re-authentication set the raw error of the callback as errorReason; it is now 80019, 401, with that error as the cause (RSA4c1)")]
    public async Task RSA4c1_RSA4c3_AuthCallbackErrorWhileConnectedLeavesConnectionConnected()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected);
        await using var client = Client(server, UtsAuth.Callback(
            n => n == 1 ? UtsAuth.Token(scheduler, "initial-token") : throw UtsAuth.Error(50000, 500, "Auth server unavailable"),
            new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        server.LastConnection!.Send(AuthFrame);
        Assert.That(scheduler.AdvanceUntil(() => client.Connection.ErrorReason is not null, TimeSpan.FromSeconds(5)), Is.True);
        scheduler.ProcessPendingEvents();

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(changes.Changes.Where(c => c.Current != ConnectionState.Connected), Is.Empty);
        var reason = client.Connection.ErrorReason!;
        Assert.That(reason.Code, Is.EqualTo(80019));
        Assert.That(reason.StatusCode, Is.EqualTo(401));
        Assert.That(reason.Cause, Is.Not.Null);
        Assert.That(reason.Cause!.Code, Is.EqualTo(50000));
    }

    // UTS: realtime/unit/RSA4d/callback-403-causes-failed-0
    [Test]
    [Divergence("A 403 from the authCallback left the connection DISCONNECTED and retrying (the 403 was hidden inside the 40170 wrapper); it now fails the connection with 80019, 403, the callback's error as the cause (RSA4d)")]
    public async Task RSA4d_AuthCallback403CausesFailed()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected);
        await using var client = Client(server, UtsAuth.Callback(_ => throw UtsAuth.Error(40300, 403, "Account disabled"), new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        var reason = client.Connection.ErrorReason;
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Code, Is.EqualTo(80019));
        Assert.That(reason.StatusCode, Is.EqualTo(403));
        Assert.That(reason.Cause, Is.Not.Null);
        Assert.That(reason.Cause!.Code, Is.EqualTo(40300));
    }

    // UTS: realtime/unit/RSA4d/callback-403-reauth-causes-failed-1
    [Test]
    [Divergence("A 403 from the authCallback during a server-requested re-authentication left the connection CONNECTED; it now fails it with 80019, 403 (RSA4d, RSA4d1)")]
    public async Task RSA4d_RSA4d1_AuthCallback403DuringReauthCausesFailed()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected);
        await using var client = Client(server, UtsAuth.Callback(
            n => n == 1 ? UtsAuth.Token(scheduler, "initial-token") : throw UtsAuth.Error(40300, 403, "Account suspended"),
            new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        server.LastConnection!.Send(AuthFrame);
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        var reason = client.Connection.ErrorReason;
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Code, Is.EqualTo(80019));
        Assert.That(reason.StatusCode, Is.EqualTo(403));
        Assert.That(reason.Cause, Is.Not.Null);
        Assert.That(reason.Cause!.Code, Is.EqualTo(40300));
    }
}
