using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Hosting;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.Realtime;
using Reliably.Rx.Emulator.Internal.Rest;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator;

/// <summary>
/// A local, in-memory Ably-compatible server: REST and WebSocket realtime on one host and port.
/// Start it with <see cref="StartAsync"/>, point a client at <see cref="BaseUri"/> with <see cref="DefaultKey"/>,
/// and inject failures through <see cref="Faults"/>.
/// </summary>
public sealed class AblyEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorServer _server;
    private int _disposed;

    private AblyEmulator(WebApplication app, EmulatorServer server, EmulatorOptions options, X509Certificate2? certificate)
    {
        _app = app;
        _server = server;
        Options = options;
        Certificate = certificate;
        Faults = new EmulatorFaults(server);
        DefaultApp = server.Apps.First();
    }

    /// <summary>The options the emulator runs with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The server state (tests drive races through it).</summary>
    internal EmulatorServer Server => _server;

    /// <summary>The port every listen address is bound to.</summary>
    public int Port => _server.Port;

    /// <summary><c>http://127.0.0.1:port</c> (or https with TLS) for the first listen address.</summary>
    public Uri BaseUri => GetBaseUri(Options.Addresses[0]);

    /// <summary>The app created at startup.</summary>
    public EmulatorApp DefaultApp { get; }

    /// <summary>The default app's key, <c>appId.keyId:secret</c>, with capability <c>{"*":["*"]}</c>.</summary>
    public string DefaultKey => DefaultApp.DefaultKey;

    /// <summary>Fault injection (also reachable over HTTP under <c>/_emulator</c>).</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>The generated self-signed certificate when <see cref="EmulatorOptions.Tls"/> is on; otherwise <c>null</c>.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Starts an emulator and returns once it accepts connections.</summary>
    /// <param name="options">Settings; <c>null</c> means <see cref="EmulatorOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    public static async Task<AblyEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= EmulatorOptions.Default;
        options.Validate();
        var certificate = options.Tls ? CertificateFactory.Create(options.Addresses) : null;

        // With port 0 and several addresses, every address must share one port: pick it first, retry on a race.
        for (var attempt = 0; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreePort();
            var server = new EmulatorServer(options) { Host = options.Addresses[0].ToString(), Port = port };
            server.CreateApp(DefaultAppSetup(), options.DefaultKey);
            var app = Build(options, server, port, certificate);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                return new AblyEmulator(app, server, options, certificate);
            }
            catch (IOException) when (options.Port == 0 && attempt < 5)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The default app: one key with every capability, and, as in Ably's test-app-setup.json, the <c>mutable</c>
    /// namespace with mutableMessages on (updates, deletes, appends and annotations on <c>mutable:*</c> channels).
    /// </summary>
    private static JObject DefaultAppSetup() => new()
    {
        ["keys"] = new JArray(new JObject()),
        ["namespaces"] = new JArray(new JObject { ["id"] = "mutable", ["mutableMessages"] = true }),
    };

    /// <summary>The base URI for one of the listen addresses.</summary>
    /// <param name="address">A listen address from <see cref="EmulatorOptions.Addresses"/>.</param>
    public Uri GetBaseUri(IPAddress address) =>
        new((Options.Tls ? "https://" : "http://") + (address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString()) + ":" + Port);

    /// <summary>
    /// Creates an isolated app with one key per capability (default: one key with <c>{"*":["*"]}</c>) and, like the
    /// default app, the <c>mutable</c> namespace with mutableMessages on.
    /// </summary>
    /// <param name="keyCapabilities">Capability JSON per key, in order.</param>
    public EmulatorApp CreateApp(params string[] keyCapabilities)
    {
        var keys = keyCapabilities.Length == 0
            ? new JArray(new JObject())
            : new JArray(keyCapabilities.Select(c => new JObject { ["capability"] = c }));
        var setup = DefaultAppSetup();
        setup["keys"] = keys;
        return _server.CreateApp(setup);
    }

    /// <summary>Creates an app from a sandbox <c>post_apps</c> JSON body (keys, namespaces, presence fixtures), like POST /apps.</summary>
    /// <param name="postAppsJson">The JSON body, e.g. <c>post_apps</c> from test-app-setup.json.</param>
    public EmulatorApp CreateAppFromSetup(string postAppsJson)
    {
        ArgumentNullException.ThrowIfNull(postAppsJson);
        var setup = JsonTree.Read(postAppsJson) as JObject ?? throw new ArgumentException("The setup must be a JSON object.", nameof(postAppsJson));
        return _server.CreateApp(setup);
    }

    /// <summary>Deletes an app; its connections fail and its keys stop working.</summary>
    /// <param name="app">The app.</param>
    public bool DeleteApp(EmulatorApp app) => _server.DeleteApp(app);

    /// <summary>Lists realtime connections (live and awaiting resume), for targeting faults.</summary>
    /// <param name="app">Only this app's connections; <c>null</c> for all.</param>
    public IReadOnlyList<EmulatorConnectionInfo> GetConnections(EmulatorApp? app = null) =>
        Snapshot(_server).Where(c => app is null || c.AppId == app.AppId).ToList();

    /// <summary>
    /// Frames recorded on a connection (both directions, oldest first, at most <see cref="EmulatorOptions.FrameLogLimit"/>),
    /// e.g. to assert what a client put on the wire. Empty for an unknown connection.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    public IReadOnlyList<EmulatorFrame> GetFrames(string connectionId) =>
        _server.Sessions.Find(connectionId)?.Frames.Snapshot() ?? [];

    /// <summary>
    /// Every realtime connection attempt that reached the emulator (oldest first, at most 1000), with its connect
    /// parameters: e.g. to assert that a reconnection asked to resume (RTN15b) or a new client to recover (RTN16k).
    /// </summary>
    public IReadOnlyList<EmulatorConnectionAttempt> GetConnectionAttempts() => _server.Attempts.Snapshot();

    /// <summary>Stops the server and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var session in _server.Sessions.All.ToList())
        {
            session.Transport?.Abort();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stop anyway.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        Certificate?.Dispose();
    }

    internal static IReadOnlyList<EmulatorConnectionInfo> Snapshot(EmulatorServer server) =>
        server.Sessions.All.Select(s => new EmulatorConnectionInfo(
            s.Id,
            s.App.AppId,
            s.Auth.ClientId,
            s.AttachedChannels(),
            s.Transport is not null,
            s.LastFormat == WireFormat.Json ? "json" : "msgpack")).ToList();

    private static WebApplication Build(EmulatorOptions options, EmulatorServer server, int port, X509Certificate2? certificate)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxFrameSize * 4L, 4 * 1024 * 1024);
            foreach (var address in options.Addresses)
            {
                kestrel.Listen(address, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            }
        });

        var app = builder.Build();
        var logger = (options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<AblyEmulator>();
        var realtime = new RealtimeEndpoint(server, logger);
        var rest = new RestRouter(server);
        app.Run(context => RequestGuard.RunAsync(
            context,
            // The echo service's host is not a realtime endpoint (EchoRoutes), as on the real service.
            c => c.Request.Path == "/" && RealtimeEndpoint.IsWebSocketRequest(c) && !EchoRoutes.IsEchoHost(c) ? realtime.HandleAsync(c) : rest.HandleAsync(c),
            logger));
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
