using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The REST integration specs' sandbox: one in-process <see cref="AblyEmulator"/> per fixture on a loopback port, and
/// the app they provision (<c>POST /apps</c> with ably-common's test-app-setup.json, read from ../shared/ably/vectors;
/// the fixture is ignored when the file is absent). Clients talk to it over real HTTP, JSON or msgpack as the case says.
/// </summary>
public abstract class RestSandbox
{
    /// <summary>The specs' waits, generous for a loaded machine.</summary>
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>The specs' protocol variants, for <c>[TestCaseSource(nameof(ProtocolVariants))]</c>: <c>useBinaryProtocol: PROTOCOL == "msgpack"</c>.</summary>
    protected static readonly object[] ProtocolVariants = ["json", "msgpack"];

    private readonly List<IAsyncDisposable> _clients = [];

    /// <summary>The emulator.</summary>
    protected AblyEmulator Emulator { get; private set; } = null!;

    /// <summary>The provisioned app.</summary>
    protected EmulatorApp App { get; private set; } = null!;

    /// <summary><c>app_config.keys[n].key_str</c>: 0 full access, 2 per-channel capabilities, 3 subscribe only.</summary>
    protected string KeyOf(int index) => App.Keys[index].KeyString;

    /// <summary>The specs' <c>api_key</c>.</summary>
    protected string ApiKey => KeyOf(0);

    /// <summary>Options for the emulator; a fixture may change them (its clock, for one).</summary>
    protected virtual EmulatorOptions EmulatorOptions => new();

    [OneTimeSetUp]
    public async Task StartSandbox()
    {
        var setup = AppSetup();
        Emulator = await AblyEmulator.StartAsync(EmulatorOptions).WaitAsync(Wait);
        App = Emulator.CreateAppFromSetup(setup["post_apps"]!.ToString(Newtonsoft.Json.Formatting.None));
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
    public async Task DisposeClients()
    {
        Emulator.Faults.Reset();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    /// <summary><c>ClientOptions(key: ..., endpoint: "nonprod:sandbox")</c>: the emulator's loopback endpoint, JSON unless <paramref name="binary"/>.</summary>
    protected ClientOptions SandboxOptions(string? key = null, bool binary = false) =>
        ClientOptions.ForEmulator(Emulator.BaseUri, key ?? ApiKey) with { UseBinaryProtocol = binary };

    /// <summary>A REST client on <see cref="SandboxOptions"/> (changed by <paramref name="configure"/>), disposed after the test.</summary>
    protected AblyRest Rest(Func<ClientOptions, ClientOptions>? configure = null, bool binary = false)
    {
        var client = new AblyRest((configure ?? (o => o))(SandboxOptions(binary: binary)));
        _clients.Add(client);
        return client;
    }

    /// <summary>A realtime client, disposed after the test (a few REST specs enter presence through one).</summary>
    protected AblyRealtime Realtime(Func<ClientOptions, ClientOptions>? configure = null)
    {
        var client = new AblyRealtime((configure ?? (o => o))(SandboxOptions()));
        _clients.Add(client);
        return client;
    }

    /// <summary>The specs' <c>random_id()</c> in a channel name.</summary>
    protected static string UniqueChannel(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Publishes <c>event-1</c> .. <c>event-n</c> with data <c>"1"</c> .. <c>"n"</c>, one request each, as the specs' loops do.</summary>
    protected static async Task PublishNumberedAsync(RestChannel channel, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await channel.PublishAsync($"event-{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).WaitAsync(Wait);
        }
    }

    /// <summary><c>AWAIT op()</c> with the specs' timeout.</summary>
    protected static Task<T> Await<T>(Task<T> task) => task.WaitAsync(Wait);

    /// <summary><c>AWAIT op() FAILS WITH error</c>: the <see cref="AblyException"/> the operation failed with.</summary>
    protected static async Task<AblyException> AwaitFailure(Task task)
    {
        try
        {
            await task.WaitAsync(Wait);
        }
        catch (AblyException ex)
        {
            return ex;
        }

        Assert.Fail("Expected the operation to fail with an AblyException, but it succeeded.");
        throw new InvalidOperationException("unreachable");
    }

    private static JObject AppSetup()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "ably", "vectors", "test-app-setup.json");
                if (File.Exists(path))
                {
                    return JObject.Parse(File.ReadAllText(path));
                }

                break;
            }
        }

        Assert.Ignore("ably-common's test-app-setup.json not found at ../shared/ably/vectors beside the repository root.");
        throw new InvalidOperationException("unreachable");
    }
}
