using Reliably.Rx.Auth;
using Reliably.Rx.Realtime;
using Reliably.Rx.Randomness;
using Reliably.Rx.Transport;

namespace Reliably.Rx;

/// <summary>
/// The Ably realtime client (RTC): one connection to Ably, driven by a single serialized loop (drained on the thread
/// pool by default, or on <see cref="ClientOptions.Scheduler"/> when set), so that reconnection logic can be run in
/// virtual time. Channels are added in <c>AblyRealtime.Channels.cs</c>. Dispose it to close the connection.
/// </summary>
public sealed partial class AblyRealtime : IAsyncDisposable
{
    private readonly IDisposable _credentialsSubscription;
    private readonly IDisposable? _networkSubscription;
    private int _disposed;

    /// <summary>Creates a client from an API key (<c>appId.keyId:secret</c>) or a token string (RTC12).</summary>
    /// <exception cref="AblyException">40106 for an empty string; see <see cref="AblyRealtime(ClientOptions)"/>.</exception>
    public AblyRealtime(string keyOrToken)
        : this(string.IsNullOrWhiteSpace(keyOrToken)
            ? throw new AblyException(ErrorCodes.NoAuthMeans, 401, "A key or token is required.")
            : new ClientOptions(keyOrToken))
    {
    }

    /// <summary>Creates a client from options; connects at once unless <see cref="ClientOptions.AutoConnect"/> is false (RTC1b).</summary>
    /// <exception cref="AblyException">
    /// For invalid options, with the codes of <see cref="AblyRest(ClientOptions)"/>: 40005 malformed key, 40106 no
    /// means of authentication, 40103 Basic auth without TLS (unless <see cref="ClientOptions.AllowInsecureBasicAuth"/>).
    /// </exception>
    public AblyRealtime(ClientOptions options)
        : this(options, transports: null, auth: null, random: null)
    {
    }

    internal AblyRealtime(
        ClientOptions options,
        ITransportFactory? transports,
        IAuthProvider? auth,
        Random? random,
        Func<CancellationToken, Task<bool>>? connectivityCheck = null)
    {
        Options = options ?? throw new AblyException(ErrorCodes.NoAuthMeans, 401, "ClientOptions are required.");
        Rest = new AblyRest(options, codecs: null, random);
        var provider = auth ?? Rest.Auth;
        Transports = transports ?? options.TransportFactory ?? DefaultTransports(options);
        var loop = new ConnectionLoop(
            options,
            provider,
            Transports,
            new RandomSource(random ?? options.Random),
            connectivityCheck ?? Rest.CheckConnectivityAsync,
            Rest.Hosts.UseRealtimeHost);
        Connection = new Connection(loop);

        // RTC8: an explicit Auth.AuthorizeAsync re-authenticates the connection with the new token, and completes with it.
        _credentialsSubscription = provider.OnAuthorize(loop.ReauthorizeAsync);

        // RTN20: the operating system's network events, when the application supplies them.
        _networkSubscription = options.NetworkAvailability?.Subscribe(
            available => loop.Execute(() => loop.OnNetworkAvailability(available)),
            _ => { });
        if (options.AutoConnect)
        {
            Connection.Connect();
        }
    }

    /// <summary>The options the client was created with.</summary>
    public ClientOptions Options { get; }

    /// <summary>The realtime connection (RTC2).</summary>
    public Connection Connection { get; }

    /// <summary>Authentication, shared with the client's REST side (RTC4). <c>AuthorizeAsync</c> re-authenticates the live connection (RTC8).</summary>
    public AblyAuth Auth => Rest.Auth;

    /// <summary>Where each connection attempt's transport comes from: <see cref="ClientOptions.TransportFactory"/> when set, else the one <see cref="ClientOptions.RealtimeTransport"/> names.</summary>
    internal ITransportFactory Transports { get; }

    /// <summary>The REST client behind this realtime client (history, REST publish, token requests).</summary>
    internal AblyRest Rest { get; }

    internal ConnectionLoop Loop => Connection.Loop;

    /// <summary>
    /// Closes the connection without waiting for the server's CLOSED, fails everything pending, completes every stream
    /// and stops the client's timers. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _credentialsSubscription.Dispose();
        _networkSubscription?.Dispose();
        await Loop.DisposeAsync().ConfigureAwait(false);
        DisposeChannels();
        Rest.Dispose();
    }

    /// <summary>
    /// The production transport that <see cref="ClientOptions.RealtimeTransport"/> names (already validated), through the
    /// options' proxy; a graceful close is bounded by realtimeRequestTimeout on the loop's clock.
    /// </summary>
    private static WebSocketTransportFactory DefaultTransports(ClientOptions options) =>
        new(CreateTransportLogger(options), Security.ServerCertificateTrust.Callback(options), options.RealtimeTransport, options.Proxy,
            new CloseDeadline(options.Scheduler ?? System.Reactive.Concurrency.DefaultScheduler.Instance, options.RealtimeRequestTimeout));

    private static Microsoft.Extensions.Logging.ILogger CreateTransportLogger(ClientOptions options) =>
        options.LoggerFactory?.CreateLogger("Reliably.Rx.Transport") ?? (Microsoft.Extensions.Logging.ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
