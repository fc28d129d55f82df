using System.Reactive.Concurrency;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator;
using Reliably.Rx.Emulator.Internal.Hosting;
using Reliably.Rx.Testing.Internal;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing;

/// <summary>
/// Ably in memory, on the test's scheduler: the emulator's server (apps, keys, tokens, channels, history, presence,
/// faults, REST routes) with the test's <see cref="IScheduler"/> (a <c>TestScheduler</c>) as the only clock of both the
/// clients and the server. No socket, no Kestrel, no thread: frames and REST exchanges cross an
/// <see cref="InMemoryNetwork"/> as scheduled items, encoded by the client's codec on one side and the server's on the
/// other, so everything happens, deterministically, while the test advances the scheduler.
/// </summary>
/// <example>
/// <code>
/// var scheduler = new TestScheduler();
/// var ably = new InMemoryAbly(scheduler);
/// await using var client = ably.CreateRealtime();
/// var states = scheduler.CreateObserver&lt;ConnectionStateChange&gt;();
/// using var _ = client.Connection.StateChanges.Subscribe(states);
/// scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);       // CONNECTED
/// ably.Network.Outage(TimeSpan.FromMinutes(3));
/// scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);       // every retry, at its exact virtual time
/// </code>
/// </example>
/// <remarks>
/// Like the <c>TestScheduler</c>, an in-memory Ably and its clients belong to the test's thread: advance the scheduler and
/// call the clients from that thread. Clients are made with <see cref="CreateRealtime"/>, <see cref="CreateRest"/> or the
/// options of <see cref="CreateOptions"/>; each gets its own seed derived from <see cref="InMemoryAblyOptions.Seed"/>, in
/// creation order.
/// </remarks>
public sealed class InMemoryAbly
{
    private readonly Random _clientSeeds;

    /// <summary>Creates an in-memory Ably driven by <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">The only clock: typically the test's <c>TestScheduler</c>.</param>
    /// <param name="options">Seed, latency and server settings; null for the defaults.</param>
    public InMemoryAbly(IScheduler scheduler, InMemoryAblyOptions? options = null)
    {
        Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        Options = options ?? InMemoryAblyOptions.Default;
        TimeProvider = new SchedulerTimeProvider(scheduler);
        var seeds = new Random(Options.Seed);
        var serverSeed = seeds.Next();
        _clientSeeds = new Random(seeds.Next());
        Host = new InMemoryEmulatorHost(Options.Server with
        {
            TimeProvider = TimeProvider,
            Random = new Random(serverSeed),
            Port = 0,
            Tls = false,
        });
        Network = new InMemoryNetwork(scheduler, Options.Latency);
    }

    /// <summary>The scheduler that drives the server, the network and every client made here.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The settings.</summary>
    public InMemoryAblyOptions Options { get; }

    /// <summary>The server's clock: the scheduler, as a <see cref="System.TimeProvider"/>.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The app created at start, with one key of capability <c>{"*":["*"]}</c>.</summary>
    public EmulatorApp DefaultApp => Host.DefaultApp;

    /// <summary>The default app's key, <c>appId.keyId:secret</c>.</summary>
    public string DefaultKey => Host.DefaultApp.DefaultKey;

    /// <summary>
    /// The server's faults: drop a connection, refuse new ones, a forgotten connection (failed resume), server DISCONNECTED,
    /// DETACHED and channel ERROR, NACKs, delayed ACKs and ATTACHEDs, a silent server, token expiry, server AUTH, REST
    /// errors. They act on the virtual clock like everything else.
    /// </summary>
    public EmulatorFaults Faults => Host.Faults;

    /// <summary>The network: latency, outages, stalls, lost frames.</summary>
    public InMemoryNetwork Network { get; }

    internal InMemoryEmulatorHost Host { get; }

    /// <summary>
    /// Client options that reach this Ably: its default key (or <paramref name="key"/>), the scheduler, the in-memory
    /// realtime and REST transports, and a seeded <see cref="ClientOptions.Random"/> of the client's own. Everything else
    /// is the library's default (Ably's endpoint, TLS, binary protocol); every host name reaches this Ably. Each call is
    /// one client's access to the network, which <see cref="InMemoryNetwork.Outage(TimeSpan, ClientOptions)"/> can cut.
    /// </summary>
    /// <param name="key">A key of an app of this Ably; null for <see cref="DefaultKey"/>.</param>
    public ClientOptions CreateOptions(string? key = null)
    {
        var nic = new NetworkInterface();
        return new ClientOptions
        {
            Key = key ?? DefaultKey,
            Scheduler = Scheduler,
            TransportFactory = new InMemoryTransportFactory(this, nic),
            HttpMessageHandlerFactory = () => new InMemoryHttpHandler(this, nic),
            Random = new Random(_clientSeeds.Next()),
        };
    }

    /// <summary>A realtime client of this Ably (it connects as the scheduler advances, unless AutoConnect is turned off).</summary>
    /// <param name="configure">Changes to <see cref="CreateOptions"/>'s options, e.g. <c>o =&gt; o with { ClientId = "ann" }</c>.</param>
    public AblyRealtime CreateRealtime(Func<ClientOptions, ClientOptions>? configure = null) =>
        new(configure is null ? CreateOptions() : configure(CreateOptions()));

    /// <summary>A REST client of this Ably.</summary>
    /// <param name="configure">Changes to <see cref="CreateOptions"/>'s options.</param>
    public AblyRest CreateRest(Func<ClientOptions, ClientOptions>? configure = null) =>
        new(configure is null ? CreateOptions() : configure(CreateOptions()));

    /// <summary>Creates an isolated app with one key per capability (default: one key with <c>{"*":["*"]}</c>).</summary>
    /// <param name="keyCapabilities">Capability JSON per key, in order.</param>
    public EmulatorApp CreateApp(params string[] keyCapabilities)
    {
        var keys = keyCapabilities.Length == 0
            ? new JArray(new JObject())
            : new JArray(keyCapabilities.Select(c => new JObject { ["capability"] = c }));
        return Host.Server.CreateApp(new JObject { ["keys"] = keys });
    }

    /// <summary>Realtime connections (live and awaiting resume), for targeting faults.</summary>
    /// <param name="app">Only this app's connections; null for all.</param>
    public IReadOnlyList<EmulatorConnectionInfo> GetConnections(EmulatorApp? app = null) =>
        AblyEmulator.Snapshot(Host.Server).Where(c => app is null || c.AppId == app.AppId).ToList();

    /// <summary>Frames recorded on a connection, both directions, with their virtual times.</summary>
    /// <param name="connectionId">The connection id.</param>
    public IReadOnlyList<EmulatorFrame> GetFrames(string connectionId) =>
        Host.Server.Sessions.Find(connectionId)?.Frames.Snapshot() ?? [];
}
