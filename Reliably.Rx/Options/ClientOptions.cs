using System.Net;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx;

/// <summary>
/// Options shared by <c>AblyRest</c> and <c>AblyRealtime</c> (TO3, RSC1). An immutable record: start from
/// <see cref="Default"/> or <c>new ClientOptions { Key = ... }</c> and derive variations with <c>with</c>.
/// Defaults are Ably's (PROTOCOL.md 1.6, DF1).
/// </summary>
public sealed record ClientOptions
{
    /// <summary>Options with every default and no credentials.</summary>
    public static ClientOptions Default { get; } = new();

    /// <summary>Creates options with defaults.</summary>
    public ClientOptions()
    {
    }

    /// <summary>Creates options from an API key (<c>appId.keyId:secret</c>) or a token string (RSC1a).</summary>
    public ClientOptions(string keyOrToken)
    {
        ArgumentNullException.ThrowIfNull(keyOrToken);
        if (keyOrToken.Contains(':', StringComparison.Ordinal))
        {
            Key = keyOrToken;
        }
        else
        {
            Token = keyOrToken;
        }
    }

    /// <summary>
    /// Options for a local Ably-compatible server such as Reliably.Rx.Emulator, in one call: the host and port of
    /// <paramref name="baseUri"/> become the endpoint (a literal host, so no fallback hosts), <c>https</c>/<c>wss</c>
    /// turn TLS on, and over plain <c>http</c>/<c>ws</c> Basic auth with <paramref name="key"/> is allowed
    /// (<see cref="AllowInsecureBasicAuth"/>), which real Ably refuses. Derive further settings with <c>with</c>.
    /// </summary>
    /// <param name="baseUri">The server's base URL, e.g. <c>http://127.0.0.1:8080</c> (an in-process emulator's
    /// <c>BaseUri</c>, or the URL the <c>ably-emulator</c> tool prints). Host: an IP address, a dotted name or
    /// <c>localhost</c>.</param>
    /// <param name="key">An API key of an app on that server, <c>appId.keyId:secret</c>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="AblyException">40003 for a URL that is not an absolute http(s)/ws(s) base URL with such a host;
    /// 40005 for a key that is not <c>name:secret</c>.</exception>
    /// <example><code>
    /// await using var emulator = await AblyEmulator.StartAsync();
    /// await using var client = new AblyRealtime(ClientOptions.ForEmulator(emulator.BaseUri, emulator.DefaultKey));
    /// </code></example>
    public static ClientOptions ForEmulator(Uri baseUri, string key)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(key);
        if (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("http" or "https" or "ws" or "wss")
            || baseUri.AbsolutePath != "/" || baseUri.Query.Length > 0 || baseUri.UserInfo.Length > 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, $"The emulator URL must be an absolute http, https, ws or wss base URL such as http://127.0.0.1:8080, not '{baseUri}'.");
        }

        // REC1b2: only an IP address, a dotted name or localhost is used verbatim; anything else is a routing id.
        var host = baseUri.HostNameType == UriHostNameType.IPv6 ? baseUri.Host.Trim('[', ']') : baseUri.Host;
        if (!Hosts.EndpointHosts.IsLiteralHost(host))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, $"The emulator host '{host}' must be an IP address, a name with a dot, or localhost.");
        }

        var separator = key.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || separator == key.Length - 1)
        {
            throw new AblyException(ErrorCodes.InvalidKey, 400, "The key must have the form appId.keyId:secret.");
        }

        var tls = baseUri.Scheme is "https" or "wss";
        return new ClientOptions
        {
            Key = key,
            Endpoint = host,
            Tls = tls,
            Port = tls ? 80 : baseUri.Port,
            TlsPort = tls ? baseUri.Port : 443,
            FallbackHosts = [],
            AllowInsecureBasicAuth = !tls,
        };
    }

    /// <summary>Options for a local Ably-compatible server from its base URL as text; see <see cref="ForEmulator(Uri, string)"/>.</summary>
    /// <param name="baseUrl">The server's base URL, e.g. <c>http://127.0.0.1:8080</c>.</param>
    /// <param name="key">An API key of an app on that server, <c>appId.keyId:secret</c>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="AblyException">40003 for text that is not such a URL; 40005 for a malformed key.</exception>
    public static ClientOptions ForEmulator(string baseUrl, string key)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri)
            ? ForEmulator(uri, key)
            : throw new AblyException(ErrorCodes.InvalidParameterValue, 400, $"'{baseUrl}' is not an absolute URL such as http://127.0.0.1:8080.");
    }

    // ---- Authentication (RSA) ----

    /// <summary>An API key, <c>appId.keyId:secret</c>, for Basic auth or for signing token requests.</summary>
    public string? Key { get; init; }

    /// <summary>A token string to authenticate with (RSA4a).</summary>
    public string? Token { get; init; }

    /// <summary>Token details to authenticate with (RSA16).</summary>
    public TokenDetails? TokenDetails { get; init; }

    /// <summary>
    /// Called for a new token (RSA8d). It returns a token string, a <see cref="Rx.TokenDetails"/> or a
    /// <see cref="TokenRequest"/> (which the client exchanges for a token). Anything else fails with 40170.
    /// </summary>
    public Func<TokenParams, CancellationToken, Task<object>>? AuthCallback { get; init; }

    /// <summary>A URL that answers with a token string, TokenDetails or TokenRequest (RSA8c).</summary>
    public Uri? AuthUrl { get; init; }

    /// <summary>The HTTP method for <see cref="AuthUrl"/>: GET (default) or POST.</summary>
    public HttpMethod AuthMethod { get; init; } = HttpMethod.Get;

    /// <summary>Extra headers for <see cref="AuthUrl"/> requests.</summary>
    public IReadOnlyDictionary<string, string>? AuthHeaders { get; init; }

    /// <summary>Extra parameters for <see cref="AuthUrl"/> requests (query for GET, form body for POST).</summary>
    public IReadOnlyDictionary<string, string>? AuthParams { get; init; }

    /// <summary>Forces token auth even when a key is given (RSA4).</summary>
    public bool UseTokenAuth { get; init; }

    /// <summary>Asks the server for the time when creating token requests (RSA9d).</summary>
    public bool QueryTime { get; init; }

    /// <summary>Default token parameters for token requests (RSA8a).</summary>
    public TokenParams? DefaultTokenParams { get; init; }

    /// <summary>The clientId of this client (RSA7).</summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// Allows Basic auth (sending the key) over a non-TLS connection. Ably refuses this (RSA1, RSC18: 40103) and
    /// so does this client unless this is set. Only for a local emulator on loopback; never for production.
    /// </summary>
    public bool AllowInsecureBasicAuth { get; init; }

    // ---- Hosts and transport (REC, RSC15, TO3k) ----

    /// <summary>
    /// The endpoint (REC1b): a routing id (<c>main</c> by default), <c>nonprod:id</c>, or a literal host name such as
    /// <c>localhost</c> or <c>127.0.0.1</c>, which disables fallback hosts.
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary>
    /// Deprecated (REC1c): a production routing id, giving the primary domain <c>id.realtime.ably.net</c> and its
    /// fallbacks (REC2c5). Use <see cref="Endpoint"/>; invalid together with it, <see cref="RestHost"/> or
    /// <see cref="RealtimeHost"/> (REC1b1, REC1c1).
    /// </summary>
    [Obsolete("Deprecated by Ably's spec (REC1c): use Endpoint.")]
    public string? Environment { get; init; }

    /// <summary>
    /// Deprecated (REC1d1): the primary domain, verbatim, with no fallback hosts (REC2c6). Use <see cref="Endpoint"/>;
    /// invalid together with it or <see cref="Environment"/>. Takes precedence over <see cref="RealtimeHost"/>.
    /// </summary>
    [Obsolete("Deprecated by Ably's spec (REC1d): use Endpoint.")]
    public string? RestHost { get; init; }

    /// <summary>
    /// Deprecated (REC1d2): the primary domain when <see cref="RestHost"/> is not set, verbatim, with no fallback hosts
    /// (REC2c6). Use <see cref="Endpoint"/>; invalid together with it or <see cref="Environment"/>.
    /// </summary>
    [Obsolete("Deprecated by Ably's spec (REC1d): use Endpoint.")]
    public string? RealtimeHost { get; init; }

    /// <summary>
    /// Deprecated (REC2b): use Ably's default fallback domains even where the other options would give none (a custom
    /// <see cref="RestHost"/>). Invalid together with <see cref="Endpoint"/> or <see cref="FallbackHosts"/> (REC1b1, REC2a1).
    /// </summary>
    [Obsolete("Deprecated by Ably's spec (REC2b): use Endpoint or FallbackHosts.")]
    public bool FallbackHostsUseDefault { get; init; }

    /// <summary>The plain (non-TLS) port; default 80.</summary>
    public int Port { get; init; } = 80;

    /// <summary>The TLS port; default 443.</summary>
    public int TlsPort { get; init; } = 443;

    /// <summary>Use TLS (https and wss); default true.</summary>
    public bool Tls { get; init; } = true;

    /// <summary>Explicit fallback hosts; null means the endpoint's defaults, empty means none (REC2a).</summary>
    public IReadOnlyList<string>? FallbackHosts { get; init; }

    /// <summary>Use MessagePack on the wire (default) rather than JSON (RSC8).</summary>
    public bool UseBinaryProtocol { get; init; } = true;

    /// <summary>Extra query parameters for the realtime connection; they override the defaults (RTC1f).</summary>
    public IReadOnlyDictionary<string, string>? TransportParams { get; init; }

    /// <summary>Additional <c>Ably-Agent</c> entries, product to version (RSC7d6).</summary>
    public IReadOnlyDictionary<string, string?>? Agents { get; init; }

    /// <summary>Adds a random <c>request_id</c> to every REST request (RSC7c).</summary>
    public bool AddRequestIds { get; init; }

    /// <summary>
    /// The largest message (or batch of messages) a REST publish may send, counted as TM6 does; default 65 536 bytes
    /// (TO3l8). Larger publishes fail with 40009 before anything is sent (RSL1i).
    /// </summary>
    public int MaxMessageSize { get; init; } = 65536;

    /// <summary>Assigns message ids on the client for REST publishes so retries are idempotent (RSL1k, TO3n).</summary>
    public bool IdempotentRestPublishing { get; init; } = true;

    /// <summary>
    /// Assigns message ids on the client for realtime publishes too, so a message resent after a failed connection
    /// resume (new connectionId, msgSerial renumbered, RTN19a) is recognised by the server and not published twice;
    /// default true. Messages with an id of their own keep it.
    /// </summary>
    public bool IdempotentRealtimePublishing { get; init; } = true;

    /// <summary>
    /// Certificates trusted for TLS connections (REST and realtime) besides those the platform trusts; default none.
    /// A server whose certificate fails the platform's validation only because of its chain (self-signed, or from an
    /// authority the machine does not trust) is accepted when it presents exactly one of these certificates; its host
    /// name must still match. Without this option a self-signed server, such as the emulator started with TLS
    /// (<c>AblyEmulator.Certificate</c>), is refused. Pin only certificates you control: it is meant for a local or
    /// private server, never to relax validation. Cannot be combined with <see cref="HttpMessageHandlerFactory"/>,
    /// whose handler owns its own TLS settings (40003).
    /// </summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? TrustedServerCertificates { get; init; }

    /// <summary>
    /// Supplies the HTTP handler for REST requests (a test seam or a custom transport); null uses SocketsHttpHandler. When
    /// set, its handler wins for REST: <see cref="Proxy"/> then applies to realtime connections only.
    /// </summary>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; init; }

    /// <summary>
    /// The HTTP proxy for this client's REST requests (and connectivity checks) and realtime connections; null (the
    /// default) uses the system proxy (<c>HttpClient.DefaultProxy</c>: HTTP_PROXY, HTTPS_PROXY, NO_PROXY). A proxy that
    /// bypasses a host, or <c>new WebProxy()</c> with no address, connects to it directly. Realtime connections are
    /// tunnelled with HTTP CONNECT; plain-HTTP REST requests are sent to the proxy as absolute-URI requests.
    /// <see cref="IWebProxy.Credentials"/> answer the proxy's 407 (Basic, Digest, NTLM, Negotiate). A
    /// <see cref="WebProxy"/> whose address is not http, https, socks4, socks4a or socks5 fails construction with 40003. A
    /// proxy that refuses or cannot be reached is a failed attempt like any other (realtime: DISCONNECTED with 80003,
    /// RTN14d, RTN17f; one that never answers: 50003 at <see cref="RealtimeRequestTimeout"/>, RTN14c).
    /// </summary>
    public IWebProxy? Proxy { get; init; }

    // ---- Timeouts (TO3l, DF1) ----

    /// <summary>Time to open an HTTP connection; default 4 s.</summary>
    public TimeSpan HttpOpenTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Time for a whole HTTP request; default 10 s.</summary>
    public TimeSpan HttpRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The URL of the connectivity check made before a realtime connection tries fallback hosts (REC3, RTN17j). Null
    /// uses Ably's (<c>https://internet-up.ably-realtime.com/is-the-internet-up.txt</c>, which must answer <c>yes</c>);
    /// a URL of your own counts as reachable on any 2xx answer.
    /// </summary>
    public string? ConnectivityCheckUrl { get; init; }

    /// <summary>
    /// The operating system's network connectivity, for a realtime client to follow (RTN20): <c>false</c> when the
    /// internet connection is lost (CONNECTED or CONNECTING goes DISCONNECTED at once, RTN20a), <c>true</c> when it is
    /// available again (DISCONNECTED or SUSPENDED connects at once, RTN20b; CONNECTING restarts its attempt, RTN20c).
    /// Null (the default) follows nothing. For the machine's own events, for example:
    /// <c>Observable.FromEventPattern&lt;NetworkAvailabilityEventHandler, NetworkAvailabilityEventArgs&gt;(h =&gt; NetworkChange.NetworkAvailabilityChanged += h, h =&gt; NetworkChange.NetworkAvailabilityChanged -= h).Select(e =&gt; e.EventArgs.IsAvailable)</c>.
    /// The client subscribes once, when created, and unsubscribes when disposed; errors and completion are ignored.
    /// </summary>
    public IObservable<bool>? NetworkAvailability { get; init; }

    /// <summary>How many fallback hosts to try; default 3.</summary>
    public int HttpMaxRetryCount { get; init; } = 3;

    /// <summary>The longest a request may spend on fallbacks; default 15 s.</summary>
    public TimeSpan HttpMaxRetryDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a fallback host that worked keeps being used; default 10 minutes (RSC15f).</summary>
    public TimeSpan FallbackRetryTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Base retry delay while DISCONNECTED, scaled by the RTB1 backoff; default 15 s.</summary>
    public TimeSpan DisconnectedRetryTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Retry delay while SUSPENDED; default 30 s.</summary>
    public TimeSpan SuspendedRetryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Base retry delay for a SUSPENDED channel (RTL13b); default 15 s.</summary>
    public TimeSpan ChannelRetryTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Time to wait for a realtime reply (CONNECTED, ATTACHED, CLOSED, ping); default 10 s.</summary>
    public TimeSpan RealtimeRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connection state TTL until the server says otherwise; default 120 s.</summary>
    public TimeSpan ConnectionStateTtl { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Max idle interval until the server says otherwise; default 15 s.</summary>
    public TimeSpan MaxIdleInterval { get; init; } = TimeSpan.FromSeconds(15);

    // ---- Realtime behaviour (RTC, RTN) ----

    /// <summary>Connect when the realtime client is created; default true (RTC1b).</summary>
    public bool AutoConnect { get; init; } = true;

    /// <summary>Receive this connection's own publishes; default true (RTC1a).</summary>
    public bool EchoMessages { get; init; } = true;

    /// <summary>Queue publishes while connecting or disconnected; default true (RTP16, RTL6c2).</summary>
    public bool QueueMessages { get; init; } = true;

    /// <summary>
    /// An opt-in bound on the realtime publishes (messages, presence, annotations) the client holds at once: sent and
    /// awaiting their ACK (RTN7) or queued while not connected (RTL6c2). At the bound a new publish fails at once with
    /// 42910 and nothing already accepted is affected; await earlier publishes and retry. Since the transport's outbound
    /// queue holds only frames of such publishes and a few control frames, this bounds it too. Default null: unbounded.
    /// </summary>
    public int? MaxPendingPublishes { get; init; }

    /// <summary>A recovery key from <c>Connection.CreateRecoveryKey()</c> to continue a connection (RTN16).</summary>
    public string? Recover { get; init; }

    // ---- Runtime seams ----

    /// <summary>
    /// The scheduler that is the realtime client's only clock and timer source, and where its loop turns run. Null uses
    /// the system clock and runs turns on the thread pool; tests pass a <c>TestScheduler</c> to run reconnection logic
    /// in virtual time.
    /// </summary>
    public IScheduler? Scheduler { get; init; }

    /// <summary>
    /// Where channel and connection streams are delivered: each subscription's queue is drained by work items on this
    /// scheduler. Null uses the thread pool, or, when <see cref="Scheduler"/> is a virtual-time scheduler (a
    /// <c>TestScheduler</c>), that scheduler, as separate work items after the loop turn, so tests stay deterministic.
    /// Whatever the scheduler, user code never runs on the connection loop, on the loop's own thread (an
    /// <c>EventLoopScheduler</c> given as <see cref="Scheduler"/>) or inside a library lock: a scheduler that would run a
    /// drain there (<c>ImmediateScheduler</c>, <c>CurrentThreadScheduler</c>, the loop's own) has it moved to the
    /// thread pool.
    /// </summary>
    public IScheduler? DeliveryScheduler { get; init; }

    /// <summary>The logger factory; null logs nothing. Keys, tokens and payloads are never logged.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Which WebSocket implementation carries the realtime connection: <see cref="RealtimeTransportKind.WebsocketClient"/>
    /// (the default) or the lighter <see cref="RealtimeTransportKind.ClientWebSocket"/>, which has no Websocket.Client
    /// around the socket and so holds no receive buffer while idle. Both run the same socket: when <see cref="Proxy"/> (or,
    /// when it is null, the system proxy) gives no proxy for the realtime host, the WebSocket upgrade is done by the client
    /// itself and no HTTP connection is kept under the socket (about 12 KB of managed heap per idle connection with
    /// <see cref="RealtimeTransportKind.ClientWebSocket"/>, about 35 KB with the default); through a proxy the runtime's
    /// <c>ClientWebSocket</c> tunnels (HTTP CONNECT). Both honour <see cref="TrustedServerCertificates"/>. Ignored when
    /// <see cref="TransportFactory"/> is set. An undefined value fails the client's construction with 40003.
    /// </summary>
    public RealtimeTransportKind RealtimeTransport { get; init; }

    /// <summary>
    /// Creates the realtime transport of each connection attempt; when set it wins over <see cref="RealtimeTransport"/>.
    /// Null uses the WebSocket transport that <see cref="RealtimeTransport"/> names;
    /// tests pass an in-memory one (the Reliably.Rx.Testing package has one). The transport carries encoded frames only:
    /// the client's codec encodes and decodes them, and the client alone decides on retries, timeouts and fallbacks.
    /// See <see cref="Transport.ITransport"/> for the contract.
    /// </summary>
    public Transport.ITransportFactory? TransportFactory { get; init; }

    /// <summary>
    /// The source of every random choice the client makes: backoff jitter (RTB1), channel retry jitter (RTL13b), the
    /// order of fallback hosts (RTN17h, RSC15a), ping ids (RTN13), the bases of idempotent message ids (RSL1k1), token
    /// request nonces (RSA9c) and request ids (RSC7c). Null uses <see cref="System.Random.Shared"/> for jitter and order
    /// and a cryptographic generator for ids and nonces. With a seeded instance (<c>new Random(42)</c>) and a
    /// <see cref="Scheduler"/> such as a TestScheduler, a client makes the same choices at the same virtual times on
    /// every run. The client locks the instance while it uses it, so it may be shared, but clients that share one (or
    /// use the same seed) also share their message id bases, which a server treats as duplicates: give each client its
    /// own seed. Not for production: nonces and ids become predictable.
    /// </summary>
    public Random? Random { get; init; }

    /// <summary>
    /// Applies the <c>vcdiff</c> step of received messages on channels attached with the <c>delta</c> param
    /// (<c>Params = {["delta"] = "vcdiff"}</c>; RTL19, RTL20, PC3). Default: the built-in <see cref="Rx.VcdiffDecoder"/>.
    /// Null leaves the client without one: a delta then fails its channel with 40019, as a client without the plugin does.
    /// </summary>
    public IVcdiffDecoder? VcdiffDecoder { get; init; } = Rx.VcdiffDecoder.Default;

    /// <summary>
    /// Prints the options for diagnostics without their secrets: <see cref="Key"/> as its key name only, and
    /// <see cref="Token"/>, <see cref="AuthHeaders"/> and <see cref="AuthParams"/> values as <c>(redacted)</c>.
    /// </summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        Security.Redacted.PrintMembers(this, builder, nameof(Key), nameof(Token), nameof(AuthHeaders), nameof(AuthParams));
}
