using System.Diagnostics;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// The emulator's own ceiling, with <see cref="RawWebSocketClient"/>s: the same publish (with ACKs, same window) and
/// fan-out shapes as the client scenarios, but with hand-built frames and no client library, so the figures show what
/// the emulator (sharing this process and the machine's 2 cores) can do at most.
/// </summary>
internal sealed class RawCeilingScenarios
{
    private static readonly string Payload = new string('x', 90) + "0123456789";
    private readonly int _port;
    private readonly string _key;
    private readonly E2eSettings _settings;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    public RawCeilingScenarios(int port, string key, E2eSettings settings)
    {
        _port = port;
        _key = key;
        _settings = settings;
    }

    public async Task<ScenarioResult> PublishAsync(string format, CancellationToken cancellationToken)
    {
        await using var client = await RawWebSocketClient.ConnectAsync(_port, _key, format, cancellationToken).ConfigureAwait(false);
        var n = _settings.PublishMessages;
        var sentAt = new long[n];
        var latencies = new long[n];
        var (acked, seconds) = await PublishWindowedAsync(client, $"raw-publish-{_runId}-{format}", n, sentAt, latencies, cancellationToken).ConfigureAwait(false);
        var (p50, p99) = Latencies.Summarize(latencies, acked);
        return new ScenarioResult { Rate = acked / seconds, P50Ms = p50, P99Ms = p99, Expected = n, Delivered = acked, Seconds = seconds };
    }

    public async Task<ScenarioResult> FanoutAsync(string format, CancellationToken cancellationToken)
    {
        var channel = $"raw-fanout-{_runId}-{format}";
        var n = _settings.FanoutMessages;
        var subscribers = new List<RawWebSocketClient>();
        var expected = (long)n * _settings.FanoutSubscribers;
        long delivered = 0;
        long lastTicks = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = new List<Task>();
        try
        {
            for (var s = 0; s < _settings.FanoutSubscribers; s++)
            {
                var subscriber = await RawWebSocketClient.ConnectAsync(_port, _key, format, cancellationToken).ConfigureAwait(false);
                subscribers.Add(subscriber);
                await subscriber.AttachAsync(channel, cancellationToken).ConfigureAwait(false);
            }

            foreach (var subscriber in subscribers)
            {
                readers.Add(Task.Run(async () =>
                {
                    var mine = 0L;
                    while (mine < n)
                    {
                        var frame = await subscriber.ReceiveAsync(stop.Token).ConfigureAwait(false);
                        if (frame.Action == RawWebSocketClient.ActionMessage)
                        {
                            mine += frame.Messages;
                            Volatile.Write(ref lastTicks, Stopwatch.GetTimestamp());
                            E2eProgress.Add(frame.Messages);
                            if (Interlocked.Add(ref delivered, frame.Messages) >= expected)
                            {
                                all.TrySetResult();
                            }
                        }
                    }
                }, CancellationToken.None));
            }

            await using var publisher = await RawWebSocketClient.ConnectAsync(_port, _key, format, cancellationToken).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            await PublishWindowedAsync(publisher, channel, n, new long[n], null, cancellationToken).ConfigureAwait(false);
            try
            {
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Reported as lost below.
            }

            var got = Interlocked.Read(ref delivered);
            var seconds = (Math.Max(Volatile.Read(ref lastTicks), started) - started) / (double)Stopwatch.Frequency;
            return new ScenarioResult
            {
                Rate = got / seconds, Expected = expected, Delivered = got, Seconds = seconds,
                Problem = got < expected ? $"lost {expected - got} of {expected}" : null,
            };
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends n frames (msgSerial 0..n-1) with at most Window unacknowledged; a reader task consumes the ACKs.</summary>
    private async Task<(int Acked, double Seconds)> PublishWindowedAsync(
        RawWebSocketClient client, string channel, int n, long[] sentAt, long[]? latencies, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(_settings.Window, _settings.Window);
        var acked = 0;
        var started = Stopwatch.GetTimestamp();
        var reader = Task.Run(async () =>
        {
            while (Volatile.Read(ref acked) < n)
            {
                var frame = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (frame.Action != RawWebSocketClient.ActionAck)
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                var count = Math.Max(frame.Count, 1);
                for (var k = 0; k < count; k++)
                {
                    var serial = frame.MsgSerial + k;
                    if (latencies is not null && serial < n)
                    {
                        latencies[acked] = now - sentAt[serial];
                    }

                    Volatile.Write(ref acked, acked + 1);
                }

                window.Release(count);
                E2eProgress.Add(count);
            }
        }, CancellationToken.None);

        for (var i = 0; i < n; i++)
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            sentAt[i] = Stopwatch.GetTimestamp();
            await client.PublishAsync(channel, i, Payload, cancellationToken).ConfigureAwait(false);
        }

        await reader.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (acked, (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency);
    }
}
