using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Client;

/// <summary>uts/realtime/unit/client/realtime_client.md (RTC1, RTC2, RTC3, RTC4, RTC12, RTC13, RTC15, RTC16, RTC17): the realtime client and its options.</summary>
[TestFixture]
[Category("uts/realtime/unit/client/realtime_client.md")]
public sealed class RealtimeClientTests
{
    /// <summary>The specs' <c>mock_ws.on_connect(respond_with: CONNECTED_MESSAGE)</c>.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server) Connecting()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        return (scheduler, server);
    }

    /// <summary>The specs' <c>pending = AWAIT mock_ws.await_connection_attempt()</c>: the first attempt's URL, left unanswered.</summary>
    private static (ScriptedConnection Attempt, AblyRealtime Client) FirstAttempt(Func<ClientOptions, ClientOptions> configure)
    {
        var (_, server) = Uts.Mock();
        var client = server.CreateRealtime(configure);
        return (server.NextConnectionAttempt(), client);
    }

    /// <summary>Options of the scripted server with what a string constructor argument sets (RTC12: the same as RSC1).</summary>
    private static ClientOptions FromString(ScriptedAbly server, string keyOrToken)
    {
        var scripted = server.CreateOptions();
        return new ClientOptions(keyOrToken) with
        {
            Scheduler = scripted.Scheduler,
            TransportFactory = scripted.TransportFactory,
            HttpMessageHandlerFactory = scripted.HttpMessageHandlerFactory,
            Random = scripted.Random,
            AutoConnect = false,
        };
    }

    // UTS: realtime/unit/RTC12/constructor-string-detection-0
    [Test]
    [Adapted("The constructor's string goes through ClientOptions(string), as AblyRealtime(string) does, so that the client talks to the scripted server instead of Ably")]
    public async Task RTC12_ConstructorStringArgumentDetection()
    {
        var (scheduler, server) = Connecting();
        await using (var keyClient = new AblyRealtime(FromString(server, "appId.keyId:keySecret")))
        {
            Assert.That(keyClient.Auth.IsBasicAuth, Is.True, "a string with ':' is an API key: Basic auth");
            keyClient.Connect();
            scheduler.AwaitState(keyClient.Connection, ConnectionState.Connected);
            Assert.That(server.LastConnection!.Param("key"), Is.EqualTo("appId.keyId:keySecret"));
        }

        await using (var tokenClient = new AblyRealtime(FromString(server, "a-token-string")))
        {
            Assert.That(tokenClient.Auth.IsBasicAuth, Is.False, "a string without ':' is a token");
            tokenClient.Connect();
            scheduler.AwaitState(tokenClient.Connection, ConnectionState.Connected);
            Assert.That(server.LastConnection!.Param("accessToken"), Is.EqualTo("a-token-string"));
            Assert.That(server.LastConnection.Param("key"), Is.Null);
        }

        var error = Assert.Throws<AblyException>(() => _ = new AblyRealtime(string.Empty));
        Assert.That(error!.Code, Is.EqualTo(40106));
    }

    // UTS: realtime/unit/RTC12/invalid-arguments-error-1
    [Test]
    public void RTC12_InvalidArgumentsError()
    {
        var (_, server) = Uts.Mock();
        var error = Assert.Throws<AblyException>(() => _ = server.CreateRealtime(o => o with { Key = null, AutoConnect = false }));
        Assert.That(error!.Code, Is.EqualTo(40106));
        Assert.That(server.Connections, Is.Empty);
    }

    // UTS: realtime/unit/RTC2/connection-attribute-0
    [Test]
    public async Task RTC2_ConnectionAttribute()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection, Is.Not.Null);
        Assert.That(client.Connection, Is.InstanceOf<Reliably.Rx.Connection>());
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
    }

    // UTS: realtime/unit/RTC3/channels-attribute-0
    [Test]
    public async Task RTC3_ChannelsAttribute()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var name = "test-RTC3-" + Guid.NewGuid().ToString("N");

        Assert.That(client.Channels, Is.Not.Null);
        Assert.That(client.Channels, Is.InstanceOf<RealtimeChannels>());
        var channel = client.Channels.Get(name);
        Assert.That(channel, Is.InstanceOf<RealtimeChannel>());
        Assert.That(channel.Name, Is.EqualTo(name));
    }

    // UTS: realtime/unit/RTC4/auth-attribute-0
    [Test]
    public async Task RTC4_AuthAttribute()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Auth, Is.Not.Null);
        Assert.That(client.Auth, Is.InstanceOf<AblyAuth>());
    }

    // UTS: realtime/unit/RTC13/push-attribute-0
    [Test]
    [Ignore("not implemented: push notifications (RSH), outside this library's scope, so the client has no Push attribute")]
    public void RTC13_PushAttribute()
    {
        // Once push lands: Assert.That(client.Push, Is.InstanceOf<Push>()); Assert.That(client.Push.Admin, Is.InstanceOf<PushAdmin>());
        Assert.Fail("AblyRealtime has no Push attribute");
    }

    // UTS: realtime/unit/RTC17/client-id-attribute-0
    [Test]
    [Divergence("AblyRealtime had no ClientId; it now returns Auth.ClientId")]
    public async Task RTC17_RTC17a_ClientIdReturnsTheAuthClientId()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { ClientId = "explicit-client-id", AutoConnect = false });

        Assert.That(client.ClientId, Is.EqualTo("explicit-client-id"));
        Assert.That(client.ClientId, Is.EqualTo(client.Auth.ClientId));
    }

    // UTS: realtime/unit/RTC1a/echo-messages-option-0 (RTC1a_1)
    [Test]
    [Divergence("echo was sent only when false; RTN2b sends it either way, echo=true by default")]
    public async Task RTC1a_RTN2b_EchoMessagesDefaultsToTrue()
    {
        var (attempt, client) = FirstAttempt(o => o);
        await using var _ = client;

        Assert.That(attempt.Param("echo"), Is.EqualTo("true"));
    }

    // UTS: realtime/unit/RTC1a/echo-messages-option-0 (RTC1a_2)
    [Test]
    public async Task RTC1a_RTN2b_EchoMessagesSetToFalse()
    {
        var (attempt, client) = FirstAttempt(o => o with { EchoMessages = false });
        await using var _ = client;

        Assert.That(attempt.Param("echo"), Is.EqualTo("false"));
    }

    // UTS: realtime/unit/RTC1b/auto-connect-option-0 (RTC1b_1)
    [Test]
    public async Task RTC1b_AutoConnectDefaultsToTrue()
    {
        var (scheduler, server) = Connecting();
        await using var client = server.CreateRealtime();

        scheduler.AdvanceUntil(() => client.Connection.State is ConnectionState.Connecting or ConnectionState.Connected, Uts.DefaultLimit);
        Assert.That(client.Connection.State, Is.AnyOf(ConnectionState.Connecting, ConnectionState.Connected));
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(server.Connections, Has.Count.GreaterThanOrEqualTo(1));
    }

    // UTS: realtime/unit/RTC1b/auto-connect-option-0 (RTC1b_2)
    [Test]
    public async Task RTC1b_AutoConnectSetToFalse()
    {
        var (scheduler, server) = Connecting();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        Assert.That(server.Connections, Is.Empty);
        scheduler.ProcessPendingEvents();
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        Assert.That(server.Connections, Is.Empty);
    }

    // UTS: realtime/unit/RTC1b/auto-connect-option-0 (RTC1b_3)
    [Test]
    public async Task RTC1b_ExplicitConnectAfterAutoConnectFalse()
    {
        var (scheduler, server) = Connecting();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));

        client.Connection.Connect();
        scheduler.AdvanceUntil(() => client.Connection.State != ConnectionState.Initialized, Uts.DefaultLimit);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        Assert.That(server.Events.Count(e => e.Kind == ScriptedEventKind.ConnectionAttempt), Is.EqualTo(1));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    /// <summary>The specs' <c>encode_recovery_key({connectionKey, msgSerial, channelSerials})</c> (RTN16g1).</summary>
    private static string RecoveryKey(string connectionKey, long msgSerial, JObject channelSerials) =>
        new JObject { ["connectionKey"] = connectionKey, ["msgSerial"] = msgSerial, ["channelSerials"] = channelSerials }.ToString(Formatting.None);

    // UTS: realtime/unit/RTC1c/recover-option-0 (RTC1c_1)
    [Test]
    public async Task RTC1c_RecoverStringSentInConnectionRequest()
    {
        var recover = RecoveryKey("previous-connection-key", 5, new JObject { ["channel1"] = "serial1" });
        var (attempt, client) = FirstAttempt(o => o with { Recover = recover });
        await using var _ = client;

        Assert.That(attempt.Param("recover"), Is.EqualTo("previous-connection-key"));
    }

    // UTS: realtime/unit/RTC1c/recover-option-0 (RTC1c_2)
    [Test]
    public async Task RTC1c_RTN16k_RecoverOptionClearedAfterConnectionAttempt()
    {
        var (scheduler, server) = Connecting();
        await using var client = server.CreateRealtime(o => o with { Recover = RecoveryKey("previous-connection-key", 5, new JObject()) });
        using var changes = new ConnectionRecorder(client.Connection);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        server.LastConnection!.Drop();
        changes.AwaitChange(scheduler, ConnectionState.Disconnected);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        Assert.That(server.Connections, Has.Count.EqualTo(2));
        Assert.That(server.Connections[0].Param("recover"), Is.EqualTo("previous-connection-key"));
        Assert.That(server.Connections[1].Param("recover"), Is.Null, "recover is used only for the first connection");
    }

    // UTS: realtime/unit/RTC1c/recover-option-0 (RTC1c_3)
    [Test]
    public async Task RTC1c_InvalidRecoveryKeyHandledGracefully()
    {
        var (attempt, client) = FirstAttempt(o => o with { Recover = "invalid-not-a-valid-recovery-key" });
        await using var _ = client;

        Assert.That(attempt.Param("recover"), Is.Null);
    }

    // UTS: realtime/unit/RTC1f/transport-params-option-0 (RTC1f_1)
    [Test]
    public async Task RTC1f_TransportParamsIncludedInConnectionUrl()
    {
        var (attempt, client) = FirstAttempt(o => o with
        {
            TransportParams = new Dictionary<string, string> { ["customParam"] = "customValue", ["anotherParam"] = "123" },
        });
        await using var _ = client;

        Assert.That(attempt.Param("customParam"), Is.EqualTo("customValue"));
        Assert.That(attempt.Param("anotherParam"), Is.EqualTo("123"));
    }

    // UTS: realtime/unit/RTC1f/transport-params-option-0 (RTC1f_2)
    [Test]
    [Adapted("ClientOptions.TransportParams is string-valued, which RTC1f allows where Stringifiable is unidiomatic: the caller writes numbers and booleans as text (booleans as true and false), and they are sent as given")]
    public async Task RTC1f_TransportParamsWithDifferentValueTypes()
    {
        var (attempt, client) = FirstAttempt(o => o with
        {
            TransportParams = new Dictionary<string, string>
            {
                ["stringParam"] = "hello",
                ["numberParam"] = 42.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["boolTrueParam"] = "true",
                ["boolFalseParam"] = "false",
            },
        });
        await using var _ = client;

        Assert.That(attempt.Param("stringParam"), Is.EqualTo("hello"));
        Assert.That(attempt.Param("numberParam"), Is.EqualTo("42"));
        Assert.That(attempt.Param("boolTrueParam"), Is.EqualTo("true"));
        Assert.That(attempt.Param("boolFalseParam"), Is.EqualTo("false"));
    }

    // UTS: realtime/unit/RTC1f/transport-params-option-0 (RTC1f1)
    [Test]
    public async Task RTC1f1_TransportParamsOverrideLibraryDefaults()
    {
        var (attempt, client) = FirstAttempt(o => o with
        {
            TransportParams = new Dictionary<string, string> { ["v"] = "3", ["heartbeats"] = "false" },
        });
        await using var _ = client;

        Assert.That(attempt.Param("v"), Is.EqualTo("3"));
        Assert.That(attempt.Param("heartbeats"), Is.EqualTo("false"));
    }

    // UTS: realtime/unit/RTC15/connect-method-0
    [Test]
    [Divergence("AblyRealtime had no connect(); it now has Connect(), which calls Connection.Connect()")]
    public async Task RTC15_RTC15a_ConnectCallsConnectionConnect()
    {
        var (scheduler, server) = Connecting();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connect();
        changes.AwaitChange(scheduler, ConnectionState.Connecting);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.ProcessPendingEvents();

        UtsAssert.ContainsInOrder(changes.States, ConnectionState.Connecting, ConnectionState.Connected);
    }

    // UTS: realtime/unit/RTC16/close-method-0
    [Test]
    [Divergence("AblyRealtime had no close(); it now has CloseAsync(), which calls Connection.CloseAsync()")]
    public async Task RTC16_RTC16a_CloseCallsConnectionClose()
    {
        var (scheduler, server) = Connecting();
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Close)
            {
                c.Send(ProtocolFrame.Closed());
            }
        };
        await using var client = server.CreateRealtime();
        using var changes = new ConnectionRecorder(client.Connection);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);

        var closed = client.CloseAsync();
        changes.AwaitChange(scheduler, ConnectionState.Closing);
        scheduler.Await(closed);
        scheduler.ProcessPendingEvents();

        UtsAssert.ContainsInOrder(changes.States, ConnectionState.Closing, ConnectionState.Closed);
        Assert.That(server.LastConnection!.FramesFromClientOf(ProtocolAction.Close).Count(), Is.EqualTo(1));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed));
    }

    // UTS: realtime/unit/client/realtime_client.md, "TLS Setting (RSC18) in Realtime"
    [Test]
    public async Task RSC18_TlsSettingSelectsTheWebSocketScheme()
    {
        foreach (var tls in new[] { true, false })
        {
            var (scheduler, server) = Connecting();

            // Basic auth requires TLS, so the insecure connection uses a token.
            await using var client = server.CreateRealtime(o => tls
                ? o with { Tls = true }
                : o with { Key = null, Token = "test-token", Tls = false });
            scheduler.AwaitState(client.Connection, ConnectionState.Connected);

            Assert.That(server.LastConnection!.Uri.Scheme, Is.EqualTo(tls ? "wss" : "ws"), $"tls: {tls}");
        }
    }

    // UTS: realtime/unit/client/realtime_client.md, "useBinaryProtocol in Realtime"
    [Test]
    public async Task RSC8_TO3f_UseBinaryProtocolSelectsTheFormat()
    {
        foreach (var binary in new[] { true, false })
        {
            var (attempt, client) = FirstAttempt(o => o with { UseBinaryProtocol = binary });
            await using var _ = client;

            Assert.That(attempt.Param("format"), Is.EqualTo(binary ? "msgpack" : "json"), $"useBinaryProtocol: {binary}");
        }
    }

    // UTS: realtime/unit/client/realtime_client.md, "Standard Query Parameters"
    [Test]
    public async Task RTN2_StandardQueryParameters()
    {
        var (attempt, client) = FirstAttempt(o => o);
        await using var _ = client;

        foreach (var name in new[] { "v", "format", "heartbeats", "echo" })
        {
            Assert.That(attempt.Param(name), Is.Not.Null, name);
        }

        Assert.That(attempt.Param("key") ?? attempt.Param("accessToken"), Is.Not.Null);
    }
}
