using System.Net;

namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>Starts one emulator per fixture (short presence-leave delay so drop tests finish quickly).</summary>
public abstract class EmulatorTestBase
{
    protected AblyEmulator Emulator { get; private set; } = null!;

    protected virtual EmulatorOptions Options => new()
    {
        PresenceLeaveDelay = TimeSpan.FromMilliseconds(300),
    };

    /// <summary>127.0.0.2, if this machine can bind it (Linux can; macOS needs an lo0 alias).</summary>
    protected static IPAddress? SecondLoopback { get; } = TryBind(IPAddress.Parse("127.0.0.2"));

    private static IPAddress? TryBind(IPAddress address)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(address, 0);
            listener.Start();
            return address;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    [OneTimeSetUp]
    public async Task StartEmulator() => Emulator = await AblyEmulator.StartAsync(Options);

    [OneTimeTearDown]
    public async Task StopEmulator() => await Emulator.DisposeAsync();

    [TearDown]
    public void ResetFaults() => Emulator.Faults.Reset();

    protected Task<WsClient> ConnectAsync(bool msgpack = false, string extra = "", string? key = null) =>
        WsClient.ConnectWithKeyAsync(Emulator.BaseUri, key ?? Emulator.DefaultKey, msgpack, extra);

    protected async Task<(WsClient Client, Newtonsoft.Json.Linq.JObject Connected)> ConnectedAsync(bool msgpack = false, string extra = "", string? key = null)
    {
        var client = await ConnectAsync(msgpack, extra, key);
        var connected = await client.ReceiveActionAsync(Frames.Connected);
        return (client, connected);
    }

    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
