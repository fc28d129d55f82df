namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>The clients the presence specs create, on a scripted server.</summary>
public static class PresenceClients
{
    /// <summary>A unique channel name, as the specs' <c>"test-RTP8a-${random_id()}"</c>.</summary>
    public static string ChannelName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary><c>Realtime(options: ClientOptions(key: "fake.key:secret", clientId: ..., autoConnect: false))</c>.</summary>
    public static AblyRealtime Client(this ScriptedAbly server, string? clientId = null, Func<ClientOptions, ClientOptions>? configure = null) =>
        server.CreateRealtime(o =>
        {
            var options = o with { Key = "fake.key:secret", ClientId = clientId, AutoConnect = false };
            return configure is null ? options : configure(options);
        });

    /// <summary>
    /// A client whose identity is the wildcard <c>"*"</c>, permitted to act for any clientId. The specs write
    /// <c>ClientOptions(clientId: "*")</c>, which RSA7c forbids (this library rejects it at construction); the wildcard
    /// comes from a token whose clientId is <c>"*"</c> instead, confirmed by the server's CONNECTED (RSA7b, RTC4a).
    /// </summary>
    public static AblyRealtime WildcardClient(this ScriptedAbly server) =>
        server.CreateRealtime(o => o with
        {
            Key = null,
            TokenDetails = new TokenDetails("wildcard-token") { ClientId = "*" },
            AutoConnect = false,
        });

    /// <summary>The text of an <see cref="AdaptedAttribute"/> for the cases that use <see cref="WildcardClient"/>.</summary>
    public const string WildcardAdapted =
        "ClientOptions(clientId: \"*\") is rejected at construction (RSA7c); the wildcard identity comes from a token with clientId \"*\", confirmed in CONNECTED, as the spec's note on SDK-level wildcard validation allows.";

    /// <summary>
    /// Lets a connection reach SUSPENDED the way the presence specs' notes describe (RTP11d): the first attempt connects
    /// with a short connectionStateTtl (5 s), every later attempt is refused, and the connectivity check (RTN17j) is
    /// answered, so the client stays DISCONNECTED until the TTL passes (RTN14e). Channels then go SUSPENDED (RTL3c).
    /// </summary>
    /// <param name="server">The scripted server.</param>
    /// <param name="connected">The CONNECTED frame of the first attempt; by default one with a 5 s connectionStateTtl.</param>
    public static void RefuseReconnections(this ScriptedAbly server, ProtocolFrame? connected = null)
    {
        server.OnConnectionAttempt = c =>
        {
            if (c.Index == 0)
            {
                c.RespondWithSuccess(connected ?? ProtocolFrame.Connected("conn-1", connectionStateTtl: TimeSpan.FromSeconds(5)));
            }
            else
            {
                c.Refuse();
            }
        };
        server.OnHttpRequest = r => r.RespondWith(200, System.Text.Encoding.UTF8.GetBytes("yes"), "text/plain");
    }

    /// <summary>Options for <see cref="RefuseReconnections"/>: retries every 500 ms, as the spec's notes suggest.</summary>
    public static ClientOptions QuickRetries(ClientOptions options) => options with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500) };

    /// <summary><c>client.connect()</c>, <c>AWAIT_STATE connected</c>.</summary>
    public static void Connect(this TestScheduler scheduler, AblyRealtime client)
    {
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
    }

    /// <summary><c>client.connect()</c>, <c>AWAIT_STATE connected</c>, <c>AWAIT channel.attach()</c>.</summary>
    public static void ConnectAndAttach(this TestScheduler scheduler, AblyRealtime client, RealtimeChannel channel)
    {
        scheduler.Connect(client);
        scheduler.Await(channel.AttachAsync());
    }
}
