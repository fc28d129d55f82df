using System.Diagnostics;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>The Reliably.Rx side of the end-to-end scenarios, in this process, through the public client API.</summary>
internal sealed class RxScenarios
{
    private static readonly string Payload = new string('x', 90) + "0123456789";
    private readonly int _port;
    private readonly string _key;
    private readonly E2eSettings _settings;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    private readonly RealtimeTransportKind _transport;

    /// <param name="transport">The realtime transport the clients use (ClientOptions.RealtimeTransport): side rx is the default, rxcws the plain ClientWebSocket.</param>
    public RxScenarios(int port, string key, E2eSettings settings, RealtimeTransportKind transport = RealtimeTransportKind.WebsocketClient)
    {
        _transport = transport;
        _port = port;
        _key = key;
        _settings = settings;
    }

    public static ClientOptions Options(int port, string key, string format, RealtimeTransportKind transport = RealtimeTransportKind.WebsocketClient) =>
        ClientOptions.ForEmulator(new Uri($"http://127.0.0.1:{port}"), key) with { UseBinaryProtocol = format == "msgpack", RealtimeTransport = transport };

    private AblyRealtime NewClient(string format) => new(Options(_port, _key, format, _transport));

    /// <summary>Scenario 1: one connection publishes N messages, at most Window unacknowledged.</summary>
    public async Task<ScenarioResult> PublishAsync(string format, CancellationToken cancellationToken)
    {
        await using var client = NewClient(format);
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        var channel = client.Channels.Get($"bench-publish-{_runId}-{format}");
        var n = _settings.PublishMessages;
        var latencies = new long[n];
        var (acked, failed, seconds) = await PublishWindowedAsync(channel, n, i => Payload, latencies, cancellationToken).ConfigureAwait(false);
        var (p50, p99) = Latencies.Summarize(latencies, acked);
        return new ScenarioResult { Rate = acked / seconds, P50Ms = p50, P99Ms = p99, Expected = n, Delivered = acked, Failed = failed, Seconds = seconds };
    }

    /// <summary>Scenario 2: one publisher, S subscriber connections on one channel; delivered rate and send-to-receive latency.</summary>
    public async Task<ScenarioResult> FanoutAsync(string format, CancellationToken cancellationToken)
    {
        var channelName = $"bench-fanout-{_runId}-{format}";
        var n = _settings.FanoutMessages;
        var subscriberCount = _settings.FanoutSubscribers;
        var expected = (long)n * subscriberCount;
        var clients = new List<AblyRealtime>();
        var subscriptions = new List<IDisposable>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long delivered = 0;
        var observers = new LatencyObserver[subscriberCount];
        try
        {
            for (var s = 0; s < subscriberCount; s++)
            {
                var client = NewClient(format);
                clients.Add(client);
                var observer = new LatencyObserver(n, () =>
                {
                    if (Interlocked.Increment(ref delivered) == expected)
                    {
                        all.TrySetResult();
                    }
                });
                observers[s] = observer;
                var channel = client.Channels.Get(channelName);
                subscriptions.Add(channel.Messages().Subscribe(observer));
            }

            foreach (var client in clients)
            {
                await client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
                await client.Channels.Get(channelName).AttachAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var publisher = NewClient(format);
            await publisher.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            var (_, failed, _) = await PublishWindowedAsync(publisher.Channels.Get(channelName), n, _ => Latencies.TimedPayload(), null, cancellationToken).ConfigureAwait(false);
            try
            {
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Reported as lost below.
            }

            var got = Interlocked.Read(ref delivered);
            var last = observers.Max(o => o.LastTicks);
            var seconds = (Math.Max(last, started) - started) / (double)Stopwatch.Frequency;
            var merged = observers.SelectMany(o => o.Samples.Take(o.Count)).ToArray();
            var (p50, p99) = Latencies.Summarize(merged, merged.Length);
            return new ScenarioResult
            {
                Rate = got / seconds, P50Ms = p50, P99Ms = p99, Expected = expected, Delivered = got, Failed = failed, Seconds = seconds,
                Problem = got < expected ? $"lost {expected - got} of {expected}" : null,
            };
        }
        finally
        {
            foreach (var s in subscriptions)
            {
                s.Dispose();
            }

            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Scenario 3: REST publish, R requests from C concurrent callers on one client.</summary>
    public async Task<ScenarioResult> RestAsync(string format, CancellationToken cancellationToken)
    {
        await using var rest = new AblyRest(Options(_port, _key, format));
        var channel = rest.Channels.Get($"bench-rest-{_runId}-{format}");
        await channel.PublishAsync("warmup", Payload, cancellationToken).ConfigureAwait(false);
        var n = _settings.RestRequests;
        var latencies = new long[n];
        var next = -1;
        var ok = 0;
        var failed = 0;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, _settings.RestConcurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await channel.PublishAsync("m", Payload, cancellationToken).ConfigureAwait(false);
                    latencies[Interlocked.Increment(ref ok) - 1] = Stopwatch.GetTimestamp() - t0;
                }
                catch (AblyException)
                {
                    Interlocked.Increment(ref failed);
                }

                E2eProgress.Add();
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
        var (p50, p99) = Latencies.Summarize(latencies, ok);
        return new ScenarioResult { Rate = ok / seconds, P50Ms = p50, P99Ms = p99, Expected = n, Delivered = ok, Failed = failed, Seconds = seconds };
    }

    /// <summary>Publishes n messages with at most Window unacknowledged; returns acked, failed and seconds until the last outcome.</summary>
    private async Task<(int Acked, int Failed, double Seconds)> PublishWindowedAsync(
        RealtimeChannel channel, int n, Func<int, string> payload, long[]? latencies, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(_settings.Window, _settings.Window);
        var acked = 0;
        var failed = 0;
        var outcomes = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            var t0 = Stopwatch.GetTimestamp();
            var index = i;
            _ = channel.PublishAsync("m", payload(i), CancellationToken.None).ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        if (latencies is not null)
                        {
                            latencies[Interlocked.Increment(ref acked) - 1] = Stopwatch.GetTimestamp() - t0;
                        }
                        else
                        {
                            Interlocked.Increment(ref acked);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }

                    window.Release();
                    E2eProgress.Add();
                    if (Interlocked.Increment(ref outcomes) == n)
                    {
                        done.TrySetResult();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var seconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
        return (acked, failed, seconds);
    }

    /// <summary>Records send-to-receive latency of each message on one subscriber (calls never overlap per subscriber).</summary>
    private sealed class LatencyObserver : IObserver<Message>
    {
        private readonly Action _onDelivered;

        public LatencyObserver(int capacity, Action onDelivered)
        {
            Samples = new long[capacity];
            _onDelivered = onDelivered;
        }

        /// <summary>Send-to-OnNext latencies in Stopwatch ticks, in arrival order.</summary>
        public long[] Samples { get; }

        public int Count { get; private set; }

        public long LastTicks { get; private set; }

        public void OnNext(Message value)
        {
            var now = Stopwatch.GetTimestamp();
            if (Count < Samples.Length && value.Data is string data)
            {
                Samples[Count] = now - Latencies.SentAt(data);
            }

            Count++;
            LastTicks = now;
            E2eProgress.Add();
            _onDelivered();
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
