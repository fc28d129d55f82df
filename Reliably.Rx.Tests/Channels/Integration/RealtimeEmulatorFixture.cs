using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>One in-process emulator per fixture and realtime clients pointed at it (JSON or msgpack). Nothing sleeps.</summary>
public abstract class RealtimeEmulatorFixture
{
    public static readonly object[] Formats = { "json", "msgpack" };

    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly List<AblyRealtime> _clients = new();

    protected AblyEmulator Emulator { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartEmulator() =>
        // The frame log keeps every frame of the busiest connection here (8 x 600 publishes and their ACKs): with the
        // default 1,000 the last frames can all be ACKs, and a test that reads the publisher's frames would see none.
        Emulator = await AblyEmulator.StartAsync(new EmulatorOptions { ChannelHistoryLimit = HistoryLimit, FrameLogLimit = 12_000 }).WaitAsync(Wait);

    /// <summary>Messages the emulator keeps per channel (history, resume).</summary>
    protected virtual int HistoryLimit => 200_000;

    [OneTimeTearDown]
    public async Task StopEmulator()
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

    protected ClientOptions Options(string format) => new()
    {
        Key = Emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = Emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = format == "msgpack",
    };

    protected async Task<AblyRealtime> ConnectedClient(string format, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var options = Options(format);
        var client = new AblyRealtime(configure?.Invoke(options) ?? options);
        _clients.Add(client);
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        return client;
    }

    /// <summary>Subscribes a new collector to the channel's messages (which attaches it) and waits for ATTACHED.</summary>
    private protected static async Task<(MessageCollector Collector, IDisposable Subscription)> SubscribeAsync(RealtimeChannel channel)
    {
        var collector = new MessageCollector();
        var subscription = channel.Messages().Subscribe(collector);
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);
        return (collector, subscription);
    }

    protected static string UniqueChannel(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Publishes messages named "0".."count-1" in batches, with up to <paramref name="inFlight"/> batches unacknowledged.</summary>
    protected static async Task PublishSequenceAsync(RealtimeChannel channel, int from, int count, int batch = 50, int inFlight = 64, Func<int, Task>? afterBatch = null)
    {
        var pending = new Queue<Task>();
        for (var start = from; start < from + count; start += batch)
        {
            var size = Math.Min(batch, from + count - start);
            var messages = Enumerable.Range(start, size).Select(i => new Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "payload-" + i)).ToList();
            pending.Enqueue(channel.PublishAsync(messages));
            if (pending.Count >= inFlight)
            {
                await pending.Dequeue().WaitAsync(Wait);
            }

            if (afterBatch is not null)
            {
                await afterBatch(start + size);
            }
        }

        await Task.WhenAll(pending).WaitAsync(Wait);
    }
}
