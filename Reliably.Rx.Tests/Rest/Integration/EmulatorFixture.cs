using System.Net;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Rest.Integration;

/// <summary>
/// Base for REST integration tests: one in-process emulator per fixture, listening on 127.0.0.1 and 127.0.0.2 (for
/// fallback tests), and clients pointed at it in JSON or msgpack.
/// </summary>
public abstract class EmulatorFixture
{
    public static readonly object[] Formats = { "json", "msgpack" };

    protected static readonly IPAddress Secondary = IPAddress.Parse("127.0.0.2");

    protected AblyEmulator Emulator { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartEmulator()
    {
        Emulator = await AblyEmulator.StartAsync(new EmulatorOptions { Addresses = new[] { IPAddress.Loopback, Secondary } })
            .WaitAsync(TimeSpan.FromSeconds(30));
    }

    [OneTimeTearDown]
    public async Task StopEmulator()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    [SetUp]
    public void ResetFaults() => Emulator.Faults.Reset();

    /// <summary>Options for Basic auth over plain HTTP to the emulator (AllowInsecureBasicAuth: emulator only).</summary>
    protected ClientOptions Options(string format, string? key = null) => new()
    {
        Key = key ?? Emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = Emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = format == "msgpack",
        HttpRequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Options for token auth over plain HTTP: the key only signs token requests, never leaves the client.</summary>
    protected ClientOptions TokenOptions(string format, string? key = null) =>
        Options(format, key) with { AllowInsecureBasicAuth = false, UseTokenAuth = true };

    protected AblyRest Client(string format, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var options = Options(format);
        return new AblyRest(configure?.Invoke(options) ?? options);
    }

    protected static string UniqueChannel(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];
}
