using Reliably.Rx.Benchmarks.EndToEnd;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Benchmarks.AB;

/// <summary>
/// The emulator's own probes for <c>ab</c>: each build starts its own emulator (its load context resolves its own
/// <c>Reliably.Rx.Emulator</c>) and drives it with <see cref="RawWebSocketClient"/>s, the e2e harness's raw side, so
/// two builds of the emulator are compared with the same client code. Like <see cref="AbProbes"/>, this file is copied
/// unchanged into the commits compared (with <c>EndToEnd/RawWebSocketClient.cs</c>, so both sides use one client).
/// </summary>
internal static class RawProbes
{
    private const int Window = 1_000;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(60);
    private static readonly string Payload = new string('x', 90) + "0123456789";

    public static (Func<int, long> Round, IDisposable Session) OpenPublish(string format)
    {
        var session = new RawSession();
        var client = session.Connect(format);
        var channel = $"ab-raw-publish-{Guid.NewGuid():N}";
        return (n => session.PublishWindowed(client, channel, n), session);
    }

    /// <summary>
    /// The <c>publish</c> or <c>fanout</c> probe (Reliably.Rx clients) against the build's own emulator instead of the
    /// driver's, so that a change of the emulator shows in what the client reaches.
    /// </summary>
    public static (Func<int, long> Round, IDisposable Session) OpenOwn(string probe, string[] args)
    {
        var session = new RawSession();
        var (round, clients) = AbProbes.Open(probe, [args[0], session.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), session.Key, .. args[1..]]);
        session.Own(clients);
        return (round, session);
    }

    public static (Func<int, long> Round, IDisposable Session) OpenFanout(string format, int subscribers)
    {
        var session = new RawSession();
        var channel = $"ab-raw-fanout-{Guid.NewGuid():N}";
        var counters = new DeliveryCounter[subscribers];
        for (var i = 0; i < subscribers; i++)
        {
            var subscriber = session.Connect(format);
            subscriber.AttachAsync(channel, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
            var counter = counters[i] = new DeliveryCounter();
            session.Read(subscriber, counter);
        }

        var publisher = session.Connect(format);
        long Round(int n)
        {
            using var done = new CountdownEvent(subscribers);
            foreach (var counter in counters)
            {
                counter.Arm(n, done);
            }

            var acked = session.PublishWindowed(publisher, channel, n);
            return acked == n && done.Wait(RoundTimeout) ? (long)n * subscribers : -1;
        }

        return (Round, session);
    }

    /// <summary>The build's emulator, its raw clients and their readers; msgSerials continue across rounds.</summary>
    private sealed class RawSession : IDisposable
    {
        private readonly AblyEmulator _emulator = AblyEmulator.StartAsync(new EmulatorOptions
        {
            Port = 0,
            FrameLogLimit = 0,
            ChannelHistoryLimit = 1_000,
        }).GetAwaiter().GetResult();

        private readonly List<RawWebSocketClient> _clients = [];
        private readonly List<Task> _readers = [];
        private readonly CancellationTokenSource _stop = new();
        private IDisposable? _owned;
        private long _nextSerial;

        public int Port => _emulator.Port;

        public string Key => _emulator.DefaultKey;

        /// <summary>Another probe's session (its clients), ended before the emulator.</summary>
        public void Own(IDisposable session) => _owned = session;

        public RawWebSocketClient Connect(string format)
        {
            var client = RawWebSocketClient.ConnectAsync(_emulator.Port, _emulator.DefaultKey, format, CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
            _clients.Add(client);
            return client;
        }

        /// <summary>Counts every message the subscriber receives, until the session ends.</summary>
        public void Read(RawWebSocketClient subscriber, DeliveryCounter counter) => _readers.Add(Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await subscriber.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                for (var m = 0; frame.Action == RawWebSocketClient.ActionMessage && m < frame.Messages; m++)
                {
                    counter.Add();
                }
            }
        }));

        /// <summary>Publishes n frames with at most <see cref="Window"/> unacknowledged; the number ACKed, or -1.</summary>
        public long PublishWindowed(RawWebSocketClient client, string channel, int n)
        {
            using var window = new SemaphoreSlim(Window, Window);
            var acks = Task.Run(async () =>
            {
                long acked = 0;
                while (acked < n)
                {
                    var frame = await client.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                    if (frame.Action == RawWebSocketClient.ActionAck)
                    {
                        var count = Math.Max(frame.Count, 1);
                        acked += count;
                        window.Release(count);
                    }
                }

                return acked;
            });
            for (var i = 0; i < n; i++)
            {
                if (!window.Wait(RoundTimeout))
                {
                    return -1;
                }

                client.PublishAsync(channel, _nextSerial++, Payload, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            return acks.Wait(RoundTimeout) ? acks.Result : -1;
        }

        public void Dispose()
        {
            _owned?.Dispose();
            _stop.Cancel();
            Task.WhenAll(_readers).ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5));
            foreach (var client in _clients)
            {
                client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
            }

            _emulator.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}
