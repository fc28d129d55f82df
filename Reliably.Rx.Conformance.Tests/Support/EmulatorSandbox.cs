using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The integration specs' sandbox, in process: one <see cref="AblyEmulator"/> per fixture on a loopback port, with an app
/// provisioned from ably-common's test-app-setup.json (the specs' <c>POST /apps</c>, read from ../shared/ably/vectors;
/// the fixture is ignored when that file is absent). Clients talk to it over real WebSockets and HTTP. The proxy specs'
/// faults are the emulator's (<see cref="EmulatorFaults"/>), its frame log (<see cref="AblyEmulator.GetFrames"/>) and its
/// log of connection attempts (<see cref="AblyEmulator.GetConnectionAttempts"/>). Every wait is an awaited event with a
/// generous wall-clock timeout; nothing sleeps.
/// </summary>
[NonParallelizable]
public abstract class EmulatorSandbox
{
    /// <summary>The specs' 10–30 s waits, generous for a loaded machine.</summary>
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly List<IAsyncDisposable> _clients = new();
    private JObject? _setup;

    /// <summary>The emulator.</summary>
    protected AblyEmulator Emulator { get; private set; } = null!;

    /// <summary>The app provisioned from test-app-setup.json.</summary>
    protected EmulatorApp App { get; private set; } = null!;

    /// <summary>The specs' <c>api_key</c>: <c>app_config.keys[0].key_str</c>.</summary>
    protected string ApiKey => App.Keys[0].KeyString;

    /// <summary>Options for the emulator; a fixture may shorten its timers.</summary>
    protected virtual EmulatorOptions EmulatorOptions => new();

    [OneTimeSetUp]
    public async Task StartSandbox()
    {
        _setup ??= LoadAppSetup();
        Emulator = await AblyEmulator.StartAsync(EmulatorOptions).WaitAsync(Wait);
        App = Emulator.CreateAppFromSetup(_setup.ToString(Newtonsoft.Json.Formatting.None));
    }

    [OneTimeTearDown]
    public async Task StopSandbox()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    [TearDown]
    public async Task CloseClients()
    {
        Emulator.Faults.Reset();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    /// <summary>
    /// <c>ClientOptions(key: ..., endpoint: "nonprod:sandbox", autoConnect: false, useBinaryProtocol: false)</c>: the
    /// emulator's loopback endpoint (fallback hosts off, as an explicit host makes them, REC2c2).
    /// </summary>
    protected ClientOptions SandboxOptions(string? key = null, bool binary = false) =>
        ClientOptions.ForEmulator(Emulator.BaseUri, key ?? ApiKey) with { AutoConnect = false, UseBinaryProtocol = binary };

    /// <summary>Token-only options (no key): an authCallback, a token, or token details given by <paramref name="configure"/>.</summary>
    protected ClientOptions TokenOptions(Func<ClientOptions, ClientOptions> configure, bool binary = false) =>
        configure(SandboxOptions(binary: binary) with { Key = null });

    /// <summary>A realtime client, disposed after the test.</summary>
    protected AblyRealtime Realtime(ClientOptions options) => Track(new AblyRealtime(options));

    /// <summary>A REST client, disposed after the test.</summary>
    protected AblyRest Rest(ClientOptions options) => Track(new AblyRest(options));

    /// <summary>A realtime client with <see cref="SandboxOptions"/>, connected.</summary>
    protected async Task<AblyRealtime> ConnectedAsync(Func<ClientOptions, ClientOptions>? configure = null, bool binary = false)
    {
        var options = SandboxOptions(binary: binary);
        var client = Realtime(configure is null ? options : configure(options));
        client.Connection.Connect();
        await AwaitStateAsync(client.Connection, ConnectionState.Connected);
        return client;
    }

    /// <summary><c>AWAIT_STATE connection.state == state WITH timeout</c>.</summary>
    protected static async Task AwaitStateAsync(Connection connection, ConnectionState state, TimeSpan? timeout = null)
    {
        try
        {
            await connection.WaitForStateAsync(state, timeout ?? Wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"AWAIT_STATE: connection still {connection.State}, not {state} ({connection.ErrorReason}).");
        }
    }

    /// <summary><c>AWAIT_STATE channel.state == state WITH timeout</c>.</summary>
    protected static async Task AwaitStateAsync(RealtimeChannel channel, ChannelState state, TimeSpan? timeout = null)
    {
        try
        {
            await channel.WaitForStateAsync(state, timeout ?? Wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"AWAIT_STATE: channel {channel.Name} still {channel.State}, not {state} ({channel.ErrorReason}).");
        }
    }

    /// <summary>The specs' <c>random_id()</c> in a channel name.</summary>
    protected static string UniqueChannel(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The client's connection id, to target a fault.</summary>
    protected static string IdOf(AblyRealtime client) => client.Connection.Id ?? throw new InvalidOperationException("The client has no connection id.");

    /// <summary>
    /// Waits until the server has handled every frame this client sent so far: a ping's HEARTBEAT travels behind them on
    /// the same socket, and the server answers frames in order (an event to await instead of polling the frame log).
    /// </summary>
    protected static async Task FlushAsync(AblyRealtime client) => await client.Connection.PingAsync().WaitAsync(Wait);

    /// <summary>The frames the emulator recorded on the client's connection, of one action and direction.</summary>
    protected IReadOnlyList<JObject> FramesOf(string connectionId, EmulatorFrameDirection direction, int action) =>
        Emulator.GetFrames(connectionId).Where(f => f.Direction == direction && f.Action == action).Select(f => JObject.Parse(f.Json)).ToList();

    /// <summary>
    /// The spec's <c>connection.on(listener)</c> registered now: the states entered from now on. StateChanges first replays
    /// the current state to a new subscriber (a change into it), which a listener registered now never sees: skipped.
    /// </summary>
    protected static StateRecorder<ConnectionState> RecordLaterStates(Connection connection) =>
        new(add => connection.StateChanges.Skip(1).Subscribe(c => { if (c.Current != c.Previous) { add(c.Current); } }, _ => { }));

    /// <summary>The spec's <c>channel.on(listener)</c> registered now (the replay of the current state skipped).</summary>
    protected static StateRecorder<ChannelState> RecordLaterStates(RealtimeChannel channel) =>
        new(add => channel.StateChanges.Skip(1).Subscribe(c => { if (c.Current != c.Previous) { add(c.Current); } }, _ => { }));

    /// <summary>How many connection attempts the emulator has seen so far: a mark for <see cref="AttemptsSince"/>.</summary>
    protected int AttemptMark() => Emulator.GetConnectionAttempts().Count;

    /// <summary>The proxy log's <c>ws_connect</c> events since <paramref name="mark"/>, oldest first.</summary>
    protected IReadOnlyList<EmulatorConnectionAttempt> AttemptsSince(int mark) => Emulator.GetConnectionAttempts().Skip(mark).ToList();

    /// <summary>Options authenticating with a fresh JWT per request (the proxy specs' <c>authCallback: generate_jwt(...)</c>).</summary>
    protected ClientOptions JwtOptions(bool binary = false) => TokenOptions(o => o with { AuthCallback = Jwt.Callback(ApiKey) }, binary);

    private T Track<T>(T client)
        where T : IAsyncDisposable
    {
        _clients.Add(client);
        return client;
    }

    private static JObject LoadAppSetup([CallerFilePath] string source = "")
    {
        foreach (var start in new[] { TestContext.CurrentContext.TestDirectory, Path.GetDirectoryName(source)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
                {
                    var path = Path.Combine(dir.FullName, "..", "shared", "ably", "vectors", "test-app-setup.json");
                    if (File.Exists(path))
                    {
                        return (JObject)JObject.Parse(File.ReadAllText(path))["post_apps"]!;
                    }
                }
            }
        }

        Assert.Ignore("ably-common's test-app-setup.json not found at ../shared/ably/vectors beside the repository root.");
        throw new InvalidOperationException("unreachable");
    }
}
