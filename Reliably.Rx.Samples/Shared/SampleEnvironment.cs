using Reliably.Rx.Emulator;

namespace Reliably.Rx.Samples.Shared;

/// <summary>
/// Where the samples run: real Ably when the ABLY_KEY environment variable holds an API key, otherwise an embedded
/// Reliably.Rx.Emulator on a free loopback port.
/// </summary>
public sealed class SampleEnvironment : IAsyncDisposable
{
    private SampleEnvironment(AblyEmulator? emulator, string key)
    {
        Emulator = emulator;
        Key = key;
    }

    /// <summary>The embedded emulator, or null against real Ably.</summary>
    public AblyEmulator? Emulator { get; }

    /// <summary>The API key in use.</summary>
    public string Key { get; }

    public static async Task<SampleEnvironment> StartAsync()
    {
        var key = Environment.GetEnvironmentVariable("ABLY_KEY");
        if (!string.IsNullOrWhiteSpace(key))
        {
            Console.WriteLine("Using real Ably (ABLY_KEY is set).");
            return new SampleEnvironment(null, key.Trim());
        }

        var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { PresenceLeaveDelay = TimeSpan.FromSeconds(2) });
        Console.WriteLine($"Started the embedded Reliably.Rx.Emulator at {emulator.BaseUri} (set ABLY_KEY to use real Ably).");
        return new SampleEnvironment(emulator, emulator.DefaultKey);
    }

    /// <summary>Client options for this environment.</summary>
    public ClientOptions Options(string? clientId = null, bool binary = true)
    {
        // The emulator runs on loopback without TLS: ForEmulator allows the Basic auth that real Ably refuses there.
        var options = Emulator is null ? new ClientOptions { Key = Key } : ClientOptions.ForEmulator(Emulator.BaseUri, Key);
        return options with { ClientId = clientId, UseBinaryProtocol = binary };
    }

    /// <summary>A connected realtime client.</summary>
    public async Task<AblyRealtime> ConnectAsync(string? clientId = null, bool binary = true)
    {
        var client = new AblyRealtime(Options(clientId, binary));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15));
        return client;
    }

    /// <summary>A channel name unique to this run, so runs against real Ably don't see each other's messages.</summary>
    public static string Channel(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
