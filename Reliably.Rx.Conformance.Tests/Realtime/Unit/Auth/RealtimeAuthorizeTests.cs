using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Auth;

/// <summary>uts/realtime/unit/auth/realtime_authorize.md (RTC8): <c>auth.authorize()</c> on a realtime client.</summary>
[TestFixture]
[Category("uts/realtime/unit/auth/realtime_authorize.md")]
public sealed class RealtimeAuthorizeTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server, UtsAuth.Counter Calls, AblyRealtime Client) Setup(Action<int, ScriptedConnection> answer)
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.WithoutHttp().OnConnectionAttempt = c => answer(++attempts, c);
        var calls = new UtsAuth.Counter();
        var client = server.CreateRealtime(o => o with
        {
            Key = null,
            AuthCallback = UtsAuth.Callback(n => UtsAuth.Token(scheduler, "token-" + n), calls),
            AutoConnect = false,
        });
        return (scheduler, server, calls, client);
    }

    private static Action<int, ScriptedConnection> AlwaysConnected(string id = "connection-id", string key = "connection-key") =>
        (_, c) => c.RespondWithSuccess(ProtocolFrame.Connected(id, key));

    private static void OnAuth(ScriptedAbly server, Action<ScriptedConnection, ProtocolFrame> answer) =>
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Auth)
            {
                answer(c, frame);
            }
        };

    // UTS: realtime/unit/RTC8a/authorize-connected-sends-auth-0
    [Test]
    public async Task RTC8_RTC8a_AuthorizeWhileConnectedSendsAuth()
    {
        var (scheduler, server, calls, client) = Setup(AlwaysConnected());
        await using var _ = client;
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        var authMessages = new List<ProtocolFrame>();
        OnAuth(server, (c, frame) =>
        {
            authMessages.Add(frame);
            c.Send(ProtocolFrame.Connected("connection-id", "connection-key-2"));
        });

        var token = scheduler.Await(client.Auth.AuthorizeAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(calls.Value, Is.EqualTo(2));
        Assert.That(authMessages, Has.Count.EqualTo(1));
        Assert.That(authMessages[0].Json["auth"], Is.Not.Null);
        Assert.That(authMessages[0].Json["auth"]!.Value<string>("accessToken"), Is.EqualTo("token-2"));
        Assert.That(token.Token, Is.EqualTo("token-2"));
        Assert.That(changes.Changes.Where(c => c.Current != c.Previous), Is.Empty);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTC8a1/successful-reauth-update-event-0
    [Test]
    public async Task RTC8a1_RTN24_SuccessfulReauthEmitsUpdate()
    {
        var (scheduler, server, _, client) = Setup(AlwaysConnected("connection-id-1", "connection-key-1"));
        await using var __ = client;
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        OnAuth(server, (c, _) => c.Send(ProtocolFrame.Connected("connection-id-2", "connection-key-2",
            connectionStateTtl: TimeSpan.FromSeconds(180), maxIdleInterval: TimeSpan.FromSeconds(20))));

        scheduler.Await(client.Auth.AuthorizeAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(changes.Updates, Has.Count.EqualTo(1));
        Assert.That(changes.Updates[0].Previous, Is.EqualTo(ConnectionState.Connected));
        Assert.That(changes.Updates[0].Current, Is.EqualTo(ConnectionState.Connected));
        Assert.That(changes.Into(ConnectionState.Connected), Is.Empty);
        Assert.That(changes.Changes.Where(c => c.Current != c.Previous), Is.Empty);
        Assert.That(client.Connection.Id, Is.EqualTo("connection-id-2"));
        Assert.That(client.Connection.Key, Is.EqualTo("connection-key-2"));
    }

    // UTS: realtime/unit/RTC8a1/capability-downgrade-channel-failed-1
    [Test]
    public async Task RTC8a1_RTL14_CapabilityDowngradeFailsTheChannel()
    {
        var (scheduler, server, _, client) = Setup(AlwaysConnected());
        await using var __ = client;
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var channel = client.Channels.Get("private-channel");
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Attach && frame.Channel == "private-channel")
            {
                c.Send(ProtocolFrame.Attached("private-channel"));
            }
        };
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attached);
        var channelChanges = new List<ChannelStateChange>();
        using var watch = channel.StateChanges.Subscribe(channelChanges.Add);
        OnAuth(server, (c, _) =>
        {
            c.Send(ProtocolFrame.Connected("connection-id", "connection-key-2"));
            c.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Channel denied access based on given capability"), "private-channel"));
        });

        scheduler.Await(client.Auth.AuthorizeAsync());
        scheduler.AwaitState(channel, ChannelState.Failed);
        scheduler.ProcessPendingEvents();

        Assert.That(channel.State, Is.EqualTo(ChannelState.Failed));
        var failed = channelChanges.Where(c => c.Current == ChannelState.Failed).ToList();
        Assert.That(failed, Has.Count.EqualTo(1));
        Assert.That(failed[0].Reason, Is.Not.Null);
        Assert.That(failed[0].Reason!.Code, Is.EqualTo(40160));
        Assert.That(failed[0].Reason!.StatusCode, Is.EqualTo(401));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTC8a2/failed-reauth-connection-failed-0
    [Test]
    [Divergence("AuthorizeAsync completed as soon as the token was obtained, before the server answered the AUTH; it now completes with the server's CONNECTED, or fails with the connection's error (40012 here) when the server refuses the token (RTC8a2, RTC8a3)")]
    public async Task RTC8a2_FailedReauthFailsTheConnection()
    {
        var (scheduler, server, _, client) = Setup(AlwaysConnected());
        await using var __ = client;
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        OnAuth(server, (c, _) => c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40012, 400, "Incompatible clientId"))));

        var error = scheduler.AwaitFailure(client.Auth.AuthorizeAsync());
        Assert.That(error.ErrorInfo.Code, Is.EqualTo(40012));
        scheduler.ProcessPendingEvents();

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(client.Connection.ErrorReason, Is.Not.Null);
        Assert.That(client.Connection.ErrorReason!.Code, Is.EqualTo(40012));
        UtsAssert.ContainsInOrder(changes.States, ConnectionState.Failed);
    }

    // UTS: realtime/unit/RTC8a3/authorize-completes-after-response-0
    [Test]
    [Divergence("AuthorizeAsync completed as soon as the token was obtained, before the server answered the AUTH; it now completes only once the server's CONNECTED arrived (RTC8a3)")]
    public async Task RTC8a3_AuthorizeCompletesOnlyAfterTheServerResponds()
    {
        var (scheduler, server, _, client) = Setup(AlwaysConnected());
        await using var __ = client;
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        var authorize = client.Auth.AuthorizeAsync();
        var auth = server.NextFrameFromClient(ProtocolAction.Auth);
        Assert.That(auth, Is.Not.Null);
        Assert.That(authorize.IsCompleted, Is.False);
        server.LastConnection!.Send(ProtocolFrame.Connected("connection-id", "connection-key-2"));
        var token = scheduler.Await(authorize);

        Assert.That(authorize.IsCompletedSuccessfully, Is.True);
        Assert.That(token.Token, Is.EqualTo("token-2"));
    }

    // UTS: realtime/unit/RTC8b/authorize-connecting-halts-attempt-0
    [Test]
    public async Task RTC8b_AuthorizeWhileConnectingRestartsTheAttemptWithTheNewToken()
    {
        var (scheduler, server, calls, client) = Setup((n, c) =>
        {
            if (n == 1)
            {
                c.Accept();
            }
            else
            {
                c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
            }
        });
        await using var _ = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var token = scheduler.Await(client.Auth.AuthorizeAsync());

        Assert.That(token.Token, Is.EqualTo("token-2"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(calls.Value, Is.EqualTo(2));
        Assert.That(server.Connections, Has.Count.EqualTo(2));
        Assert.That(server.Connections[1].Param("accessToken"), Is.EqualTo("token-2"));
    }

    // UTS: realtime/unit/RTC8b1/authorize-connecting-fails-on-failed-0
    [Test]
    [Divergence("AuthorizeAsync completed as soon as the token was obtained; it now fails with the connection's error when the connection goes FAILED instead of CONNECTED (RTC8b1)")]
    public async Task RTC8b1_AuthorizeWhileConnectingFailsWhenTheConnectionFails()
    {
        var (scheduler, server, _, client) = Setup((n, c) =>
        {
            c.Accept();
            if (n > 1)
            {
                c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40101, 401, "Invalid credentials")));
            }
        });
        await using var _ = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var error = scheduler.AwaitFailure(client.Auth.AuthorizeAsync());

        Assert.That(error.ErrorInfo.Code, Is.EqualTo(40101));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
    }

    // UTS: realtime/unit/RTC8c/authorize-disconnected-initiates-connection-0
    [Test]
    public async Task RTC8c_AuthorizeFromInitializedInitiatesConnection()
    {
        var (scheduler, server, _, client) = Setup(AlwaysConnected());
        await using var _ = client;
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        using var changes = new ConnectionRecorder(client.Connection);

        var token = scheduler.Await(client.Auth.AuthorizeAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(token.Token, Is.EqualTo("token-1"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        UtsAssert.ContainsInOrder(changes.States, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(server.Connections[0].Param("accessToken"), Is.EqualTo("token-1"));
    }

    // UTS: realtime/unit/RTC8c/authorize-failed-initiates-connection-1
    [Test]
    public async Task RTC8c_AuthorizeFromFailedInitiatesConnection()
    {
        var (scheduler, server, _, client) = Setup((n, c) =>
        {
            c.Accept();
            if (n == 1)
            {
                c.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(40101, 401, "Invalid credentials")));
            }
            else
            {
                c.Send(ProtocolFrame.Connected("connection-id", "connection-key"));
            }
        });
        await using var _ = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed);
        using var changes = new ConnectionRecorder(client.Connection);
        var token = scheduler.Await(client.Auth.AuthorizeAsync());
        scheduler.ProcessPendingEvents();

        Assert.That(token.Token, Is.EqualTo("token-2"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        UtsAssert.ContainsInOrder(changes.States, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(server.Connections[1].Param("accessToken"), Is.EqualTo("token-2"));
    }

    // UTS: realtime/unit/RTC8c/authorize-closed-initiates-connection-2
    [Test]
    public async Task RTC8c_AuthorizeFromClosedInitiatesConnection()
    {
        var (scheduler, server, _, client) = Setup((n, c) => c.RespondWithSuccess(ProtocolFrame.Connected($"connection-id-{n}", $"connection-key-{n}")));
        await using var __ = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        _ = client.Connection.CloseAsync();
        scheduler.AwaitState(client.Connection, ConnectionState.Closed);
        var token = scheduler.Await(client.Auth.AuthorizeAsync());

        Assert.That(token.Token, Is.EqualTo("token-2"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
