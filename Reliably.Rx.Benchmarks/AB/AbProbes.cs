using System.Buffers;
using Reliably.Rx.Benchmarks.Pipeline;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.AB;

/// <summary>
/// The probes the <c>ab</c> command alternates between two builds. This file is compiled unchanged into the
/// benchmark project of every commit being compared (it uses only API that has been stable since before the ordered
/// delivery feed: the client's internal constructor with a transport factory, the loopback transport, the codecs and
/// the public channel API), so both sides run the same measurement code against their own library.
/// The contract with the driver uses only types of the core library, because the driver and each build live in
/// different <see cref="System.Runtime.Loader.AssemblyLoadContext"/>s and share nothing else:
/// <see cref="Open"/> returns a round function (run this many messages, wait until all are delivered or acknowledged,
/// return how many units were done, or -1 on a timeout) and the session to dispose.
/// </summary>
public static class AbProbes
{
    /// <summary>The probes' names and arguments, for the command's help.</summary>
    public const string Usage =
        "receive <json|msgpack> <subscribers> [channels]  MESSAGE frames (one ~100 B message each) through the codec, the loop,\n" +
        "                                                 the channel and N Messages() subscribers (loopback transport, no socket);\n" +
        "                                                 with C channels, each has N subscribers and the frames go to them in\n" +
        "                                                 turn (--n a multiple of C); unit: a received message (all subscribers included)\n" +
        "publish <json|msgpack> <port> <key>              one connection publishes, at most 1,000 unacknowledged; unit: an ACKed publish\n" +
        "fanout <json|msgpack> <port> <key> <subscribers> one publisher, N subscriber connections on one channel; unit: a delivery\n" +
        "rawpublish <json|msgpack>                        the emulator's ceiling: the build's own emulator and one hand-built-frame\n" +
        "                                                 WebSocket client (the e2e raw side), at most 1,000 unacknowledged; unit: an ACKed publish\n" +
        "rawfanout <json|msgpack> <subscribers>           the same with N raw subscriber connections on one channel; unit: a delivery\n" +
        "ownpublish <json|msgpack>, ownfanout <json|msgpack> <subscribers>: publish and fanout against the build's own emulator";

    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Opens a probe session.</summary>
    /// <param name="probe"><c>receive</c>, <c>publish</c> or <c>fanout</c>.</param>
    /// <param name="args">The probe's arguments (see <see cref="Usage"/>).</param>
    /// <returns>The round function and the session.</returns>
    public static (Func<int, long> Round, IDisposable Session) Open(string probe, string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return probe switch
        {
            "receive" => OpenReceive(args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1),
            "publish" => OpenPublish(args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2]),
            "fanout" => OpenFanout(args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)),
            "rawpublish" => RawProbes.OpenPublish(args[0]),
            "rawfanout" => RawProbes.OpenFanout(args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)),
            "ownpublish" => RawProbes.OpenOwn("publish", args),
            "ownfanout" => RawProbes.OpenOwn("fanout", args),
            _ => throw new ArgumentException($"unknown probe '{probe}'", nameof(probe)),
        };
    }

    private static ClientOptions EmulatorOptions(string format, int port, string key) => OnePerPublish(new()
    {
        Key = key,
        Endpoint = "127.0.0.1",
        Port = port,
        Tls = false,
        FallbackHosts = [],
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = format == "msgpack",
    });

    /// <summary>
    /// Builds made before the spec removed bundling merge concurrent publishes into one ProtocolMessage unless
    /// <c>BundlePublishes</c> is off. Found by name, because later builds no longer have it: with it off there, every
    /// build compared sends one ProtocolMessage per publish, as the current spec requires.
    /// </summary>
    private static ClientOptions OnePerPublish(ClientOptions options)
    {
        typeof(ClientOptions).GetProperty("BundlePublishes")?.SetValue(options, false);
        return options;
    }

    private static AblyRealtime Connected(ClientOptions options, LoopbackTransportFactory? loopback)
    {
        var client = loopback is null ? new AblyRealtime(options) : new AblyRealtime(options, loopback, auth: null, random: null);
        client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        return client;
    }

    private static (Func<int, long>, IDisposable) OpenReceive(string format, int subscribers, int channels)
    {
        var factory = new LoopbackTransportFactory();
        var client = Connected(new ClientOptions { Key = "app.key:secret", Endpoint = "127.0.0.1", Port = 1, Tls = false, AllowInsecureBasicAuth = true, UseBinaryProtocol = format == "msgpack" }, factory);
        var counters = new DeliveryCounter[channels * subscribers];
        var frames = new byte[channels][];
        var attaches = new Task[channels];
        var session = new Session(client);
        var codec = ProtocolCodecs.For(format == "msgpack" ? WireFormat.MsgPack : WireFormat.Json);
        for (var c = 0; c < channels; c++)
        {
            var name = channels == 1 ? "bench:channel" : $"bench:channel-{c}";
            var channel = client.Channels.Get(name);
            for (var i = 0; i < subscribers; i++)
            {
                var counter = counters[(c * subscribers) + i] = new DeliveryCounter();
                session.Add(channel.Messages().Subscribe(_ => counter.Add(), _ => { }));
            }

            attaches[c] = channel.AttachAsync();
            var buffer = new ArrayBufferWriter<byte>();
            codec.WriteProtocolMessage(MessageFrame(name), buffer);
            frames[c] = buffer.WrittenMemory.ToArray();
        }

        Task.WhenAll(attaches).WaitAsync(TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        var transport = factory.Last!;
        long Round(int n)
        {
            using var done = new CountdownEvent(counters.Length);
            foreach (var counter in counters)
            {
                counter.Arm(n / channels, done);
            }

            for (var i = 0; i < n; i++)
            {
                transport.Receive(frames[i % channels]);
            }

            return done.Wait(RoundTimeout) ? n : -1;
        }

        return (Round, session);
    }

    private static (Func<int, long>, IDisposable) OpenPublish(string format, int port, string key)
    {
        var client = Connected(EmulatorOptions(format, port, key), null);
        var channel = client.Channels.Get($"ab-publish-{Guid.NewGuid():N}");
        channel.AttachAsync().WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        return (n => PublishWindowed(channel, n), new Session(client));
    }

    private static (Func<int, long>, IDisposable) OpenFanout(string format, int port, string key, int subscribers)
    {
        var name = $"ab-fanout-{Guid.NewGuid():N}";
        var counters = new DeliveryCounter[subscribers];
        var publisher = Connected(EmulatorOptions(format, port, key), null);
        var session = new Session(publisher);
        for (var i = 0; i < subscribers; i++)
        {
            var client = Connected(EmulatorOptions(format, port, key), null);
            session.Add(client);
            var counter = counters[i] = new DeliveryCounter();
            var channel = client.Channels.Get(name);
            session.Add(channel.Messages().Subscribe(_ => counter.Add(), _ => { }));
            channel.AttachAsync().WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        }

        var publishing = publisher.Channels.Get(name);
        long Round(int n)
        {
            using var done = new CountdownEvent(subscribers);
            foreach (var counter in counters)
            {
                counter.Arm(n, done);
            }

            var acked = PublishWindowed(publishing, n);
            return acked == n && done.Wait(RoundTimeout) ? (long)n * subscribers : -1;
        }

        return (Round, session);
    }

    /// <summary>Publishes n messages with at most 1,000 unacknowledged (as the e2e harness does); the number ACKed, or -1.</summary>
    private static long PublishWindowed(RealtimeChannel channel, int n)
    {
        const int Window = 1_000;
        var data = new string('x', 90) + "0123456789";
        using var window = new SemaphoreSlim(Window, Window);
        using var all = new CountdownEvent(n);
        var acked = 0;
        for (var i = 0; i < n; i++)
        {
            if (!window.Wait(RoundTimeout))
            {
                return -1;
            }

            _ = channel.PublishAsync("m", data).ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        Interlocked.Increment(ref acked);
                    }

                    window.Release();
                    all.Signal();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return all.Wait(RoundTimeout) ? Volatile.Read(ref acked) : -1;
    }

    /// <summary>A MESSAGE frame with one ~100-byte message, as a server sends it (the codec benchmarks' frame).</summary>
    private static ProtocolMessage MessageFrame(string channel) => new(ProtocolAction.Message, channel)
    {
        Id = "conn1:42",
        ChannelSerial = "01712345678901-000@srv0:99",
        ConnectionId = "conn1",
        Timestamp = 1_712_345_678_901,
        Messages =
        [
            new Message("price-update", new string('x', 90) + "0123456789")
            {
                Id = "conn1:42:0",
                ClientId = "client-1",
                ConnectionId = "conn1",
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_712_345_678_901),
                Serial = "01712345678901-000@srv0:0",
                Action = MessageAction.Create,
            },
        ],
    };

    private sealed class Session(AblyRealtime first) : IDisposable
    {
        private readonly List<AblyRealtime> _clients = [first];
        private readonly List<IDisposable> _subscriptions = [];

        public void Add(AblyRealtime client) => _clients.Add(client);

        public void Add(IDisposable subscription) => _subscriptions.Add(subscription);

        public void Dispose()
        {
            foreach (var s in _subscriptions)
            {
                s.Dispose();
            }

            Task.WhenAll(_clients.Select(c => c.DisposeAsync().AsTask())).Wait(TimeSpan.FromSeconds(10));
        }
    }
}

/// <summary>Counts one subscriber's deliveries and signals a countdown when a round's target is reached.</summary>
internal sealed class DeliveryCounter
{
    private long _count;
    private long _target;
    private CountdownEvent? _done;

    /// <summary>Items delivered so far (any thread).</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Arm(long more, CountdownEvent done)
    {
        _target = Interlocked.Read(ref _count) + more;
        Volatile.Write(ref _done, done);
    }

    public void Add()
    {
        // One subscriber's notifications never overlap: only this thread writes the count.
        if (Interlocked.Increment(ref _count) == _target)
        {
            Volatile.Read(ref _done)!.Signal();
        }
    }
}
