using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Auth;

/// <summary>uts/realtime/unit/auth/auth_callback_errors_test.md (RSA4c, RSA4d, RSA4e, RSA4f): a failing authCallback.</summary>
[TestFixture]
[Category("uts/realtime/unit/auth/auth_callback_errors_test.md")]
public sealed class AuthCallbackErrorsTests
{
    private static ProtocolFrame Connected => ProtocolFrame.Connected("connection-id", "connection-key");

    private static ProtocolFrame AuthFrame => new(new Newtonsoft.Json.Linq.JObject { ["action"] = (int)ProtocolAction.Auth });

    private static (TestScheduler Scheduler, ScriptedAbly Server, Func<bool> Attempted) Server()
    {
        var (scheduler, server) = Uts.Mock();
        var attempted = false;
        server.WithoutHttp().OnConnectionAttempt = c =>
        {
            attempted = true;
            c.RespondWithSuccess(Connected);
        };
        return (scheduler, server, () => attempted);
    }

    private static AblyRealtime Client(ScriptedAbly server, Func<TokenParams, CancellationToken, Task<object>> callback, TimeSpan? realtimeRequestTimeout = null) =>
        server.CreateRealtime(o => o with
        {
            Key = null,
            AuthCallback = callback,
            AutoConnect = false,
            UseBinaryProtocol = false,
            RealtimeRequestTimeout = realtimeRequestTimeout ?? o.RealtimeRequestTimeout,
        });

    private static void AssertAuthFailure(ErrorInfo? reason, int statusCode, int? causeCode = null)
    {
        Assert.That(reason, Is.Not.Null);
        Assert.That(reason!.Code, Is.EqualTo(80019));
        Assert.That(reason.StatusCode, Is.EqualTo(statusCode));
        if (causeCode is not null)
        {
            Assert.That(reason.Cause, Is.Not.Null);
            Assert.That(reason.Cause!.Code, Is.EqualTo(causeCode));
        }
    }

    // UTS: realtime/unit/RSA4c2/callback-error-connecting-disconnected-0
    [Test]
    [Divergence("The cause of the 80019 was the 40170 wrapper of the callback's error, not the callback's error itself; the connection now gives the underlying error as the cause (RSA4c1)")]
    public async Task RSA4c_RSA4c2_AuthCallbackErrorWhileConnectingTransitionsToDisconnected()
    {
        var (scheduler, server, _) = Server();
        await using var client = Client(server, UtsAuth.Callback(
            n => n == 1 ? throw UtsAuth.Error(50000, 500, "Auth server unavailable") : UtsAuth.Token(scheduler, "valid-token-" + n),
            new UtsAuth.Counter()));
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        AssertAuthFailure(client.Connection.ErrorReason, 401, causeCode: 50000);
        var disconnected = changes.Into(ConnectionState.Disconnected);
        Assert.That(disconnected, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(disconnected[0].Reason, Is.Not.Null);
        Assert.That(disconnected[0].Reason!.Code, Is.EqualTo(80019));
    }

    // UTS: realtime/unit/RSA4c2/callback-timeout-connecting-disconnected-1
    [Test]
    [Divergence("An authCallback that never answered ended the attempt with 50003 (the RTN14c connect timeout); obtaining the token timing out is now the RSA4c auth failure, 80019, 401, with the timeout as the cause")]
    public async Task RSA4c_RSA4c2_AuthCallbackTimeoutWhileConnectingTransitionsToDisconnected()
    {
        var (scheduler, server, _) = Server();
        var never = new TaskCompletionSource<object>();
        await using var client = Client(server, (_, _) => never.Task, TimeSpan.FromSeconds(10));
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AdvanceTime(11000);
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        AssertAuthFailure(client.Connection.ErrorReason, 401);
    }

    // UTS: realtime/unit/RSA4c3/callback-error-connected-stays-0
    [Test]
    [Ignore("UTS spec error: expects errorReason to stay null and no event after a failed re-authentication while CONNECTED (citing specification issue 466); features.md's RSA4c1 still says the 80019 ErrorInfo is set as the connection's errorReason (connection_auth_test.md's RSA4c3 case asserts that)")]
    public async Task RSA4c_RSA4c3_AuthCallbackErrorWhileConnectedHasNoSideEffects()
    {
        var (scheduler, server, _) = Server();
        var calls = new UtsAuth.Counter();
        await using var client = Client(server, UtsAuth.Callback(
            n => n == 1 ? UtsAuth.Token(scheduler, "initial-token") : throw UtsAuth.Error(50000, 500, "Auth server unavailable"),
            calls));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        server.LastConnection!.Send(AuthFrame);
        Assert.That(scheduler.AdvanceUntil(() => calls.Value >= 2, TimeSpan.FromSeconds(5)), Is.True);
        scheduler.ProcessPendingEvents();

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(changes.Changes, Is.Empty);
        Assert.That(client.Connection.ErrorReason, Is.Null);
    }

    // UTS: realtime/unit/RSA4d/callback-403-connecting-failed-0
    [Test]
    [Divergence("A 403 from the authCallback left the connection DISCONNECTED and retrying (the 403 was hidden inside the 40170 wrapper); it now fails the connection with 80019, 403, the callback's error as the cause (RSA4d)")]
    public async Task RSA4d_AuthCallback403WhileConnectingTransitionsToFailed()
    {
        var (scheduler, server, attempted) = Server();
        await using var client = Client(server, UtsAuth.Callback(_ => throw UtsAuth.Error(40300, 403, "Account disabled"), new UtsAuth.Counter()));
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(attempted(), Is.False);
        AssertAuthFailure(client.Connection.ErrorReason, 403, causeCode: 40300);
        Assert.That(client.Connection.ErrorReason!.Cause!.StatusCode, Is.EqualTo(403));
        var failed = changes.Into(ConnectionState.Failed);
        Assert.That(failed, Has.Count.EqualTo(1));
        Assert.That(failed[0].Reason, Is.Not.Null);
        Assert.That(failed[0].Reason!.Code, Is.EqualTo(80019));
        Assert.That(failed[0].Reason!.StatusCode, Is.EqualTo(403));
        Assert.That(changes.Into(ConnectionState.Disconnected), Is.Empty);
    }

    // UTS: realtime/unit/RSA4d/callback-403-reauth-failed-1
    [Test]
    [Divergence("A 403 from the authCallback during a server-requested re-authentication left the connection CONNECTED; it now fails it with 80019, 403 (RSA4d, RSA4d1)")]
    public async Task RSA4d_RSA4d1_AuthCallback403DuringReauthTransitionsConnectedToFailed()
    {
        var (scheduler, server, _) = Server();
        await using var client = Client(server, UtsAuth.Callback(
            n => n == 1 ? UtsAuth.Token(scheduler, "initial-token") : throw UtsAuth.Error(40300, 403, "Account suspended"),
            new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        server.LastConnection!.Send(AuthFrame);
        scheduler.AwaitState(client.Connection, ConnectionState.Failed, TimeSpan.FromSeconds(5));

        AssertAuthFailure(client.Connection.ErrorReason, 403, causeCode: 40300);
    }

    // UTS: realtime/unit/RSA4f/callback-invalid-type-format-0
    [Test]
    public async Task RSA4f_RSA4c_RSA4c2_AuthCallbackReturningInvalidTypeIsAnInvalidFormat()
    {
        var (scheduler, server, _) = Server();
        await using var client = Client(server, UtsAuth.Callback(_ => 12345, new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        AssertAuthFailure(client.Connection.ErrorReason, 401);
    }

    // UTS: realtime/unit/RSA4f/callback-oversized-token-format-1
    [Test]
    [Divergence("A token string of more than 128 KiB from the authCallback was accepted and sent; it is now an invalid format (RSA4f), so the attempt fails with 80019 (RSA4c)")]
    public async Task RSA4f_RSA4c_AuthCallbackReturningOversizedTokenIsAnInvalidFormat()
    {
        var (scheduler, server, attempted) = Server();
        var oversized = new string('x', 131073);
        await using var client = Client(server, UtsAuth.Callback(_ => oversized, new UtsAuth.Counter()));

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        AssertAuthFailure(client.Connection.ErrorReason, 401);
        Assert.That(attempted(), Is.False);
    }

    // UTS: realtime/unit/RSA4e/rest-callback-error-40170-0
    [Test]
    public async Task RSA4e_RestAuthCallbackErrorGives40170()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnHttpRequest = r => r.RespondWith(200, "[]");
        using var client = server.CreateRest(o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromException<object>(new HttpRequestException("Network failure connecting to auth server")),
            UseBinaryProtocol = false,
        });

        var error = scheduler.AwaitFailure(client.Channels.Get("test-channel").StatusAsync());

        Assert.That(error.ErrorInfo.Code, Is.EqualTo(40170));
        Assert.That(error.ErrorInfo.StatusCode, Is.EqualTo(401));
        Assert.That(error.Message, Is.Not.Null);
        Assert.That(error.Message, Is.Not.Empty);
    }
}
