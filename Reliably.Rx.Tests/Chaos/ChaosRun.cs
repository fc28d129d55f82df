using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Reliably.Rx.Emulator;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// One chaos run: a publisher streams numbered messages (sequence number in the name and the payload, assigned per
/// logical message, application-supplied ids so retries are idempotent) to several AutoBackfill subscribers while a
/// seeded injector fires faults at random clients. Collects everything the assertions and the printed figures need.
/// </summary>
internal sealed partial class ChaosRun
{
    public const int NackCode = 50099;
    public const int DetachCode = 90198;
    private const int MaxPublishAttempts = 50;

    private readonly AblyEmulator _emulator;
    private readonly Random _random;
    private readonly string _channelName;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ChaosRun(AblyEmulator emulator, SkewedClock serverClock, int seed, int messages, string channelName)
    {
        _emulator = emulator;
        ServerClock = serverClock;
        _random = new Random(seed);
        Seed = seed;
        Messages = messages;
        Target = messages;
        _channelName = channelName;
    }

    public int Seed { get; }

    public SkewedClock ServerClock { get; }

    /// <summary>When the server restarted (all state lost), on the run's clock.</summary>
    public ConcurrentQueue<TimeSpan> Restarts { get; } = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The messages of the run: <see cref="Target"/>, or as many as were started before a soak's cutoff.</summary>
    public int Messages { get; private set; }

    public int Target { get; }

    public ConcurrentDictionary<string, int> FaultsByKind { get; } = new();

    public ConcurrentBag<int> Acked { get; } = new();

    /// <summary>Sequence numbers that needed more than one publish attempt (their order may legitimately change).</summary>
    public ConcurrentDictionary<int, int> Retried { get; } = new();

    public int NackedBatches;

    public ConcurrentBag<Exception> UnexpectedPublishErrors { get; } = new();

    public ConcurrentBag<Exception> NackErrors { get; } = new();

    public int OtherRetries;

    public ConcurrentQueue<string> PublisherLog { get; } = new();

    /// <summary>
    /// Sequence numbers whose publish was still unacknowledged across a failed resume of the publisher. The library
    /// re-sends them as new publishes on the new connection (RTN19a2); one the server had rejected with a NACK that
    /// never arrived (swallowed by a stall, or delayed past the drop) is then accepted after later messages. They must
    /// still arrive exactly once; their position is not the original publish order.
    /// </summary>
    public ConcurrentDictionary<int, bool> ResentAfterFailedResume { get; } = new();

    /// <summary>
    /// Sequence numbers whose publish was in flight across the server restart, from its first attempt to the one
    /// acknowledged. The restarted server forgot its idempotency window and accepts a second copy as new: the library's
    /// resend (RTN19a2), or the retry of an attempt that failed without a NACK although the old server had delivered it.
    /// Subscribers that got the original and the copy see it at different positions, each exactly once.
    /// </summary>
    public ConcurrentDictionary<int, bool> InFlightAcrossRestart { get; } = new();

    private AblyRealtime? _publisher;

    /// <summary>
    /// Logs the publisher's connection states, and remembers the publisher so that each publish attempt can compare its
    /// connection id before and after (see <see cref="PublishBatchAsync"/>).
    /// </summary>
    public IDisposable WatchPublisher(AblyRealtime publisher)
    {
        _publisher = publisher;
        return publisher.Connection.StateChanges.Subscribe(c =>
            PublisherLog.Enqueue($"{_clock.Elapsed} connection {c.Previous}->{c.Current} {c.Reason?.Code} {c.Reason?.Message} id={_publisher.Connection.Id}"));
    }

    /// <summary>Publishes every logical message once acknowledged, retrying NACKed (and otherwise failed) batches.</summary>
    /// <remarks>Paced over <paramref name="spread"/> so the faults land while messages are in flight (load pacing only). No
    /// batch starts after a soak's <paramref name="cutoff"/>: <see cref="Messages"/> becomes the number started.</remarks>
    public async Task PublishAllAsync(RealtimeChannel channel, int batch, int inFlight, TimeSpan spread, TimeSpan timeout, TimeSpan? cutoff = null)
    {
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        var batches = (Messages + batch - 1) / batch;
        for (var start = 0; start < Messages; start += batch)
        {
            if (clock.Elapsed >= cutoff)
            {
                Messages = start;
                break;
            }

            // Read the clock once: a second read could pass the due time and make the delay negative.
            var wait = spread * ((double)(start / batch) / batches) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var size = Math.Min(batch, Messages - start);
            pending.Add(PublishBatchAsync(channel, start, size));
            if (pending.Count >= inFlight)
            {
                var done = await Task.WhenAny(pending).WaitAsync(timeout);
                pending.Remove(done);
                await done;
            }
        }

        await Task.WhenAll(pending).WaitAsync(timeout);
    }

    private async Task PublishBatchAsync(RealtimeChannel channel, int start, int size)
    {
        // From the first attempt: a retry after the restart may copy an original the old server accepted.
        var restartsBefore = Restarts.Count;
        for (var attempt = 1; attempt <= MaxPublishAttempts; attempt++)
        {
            var messages = Enumerable.Range(start, size).Select(Create).ToList();
            // A new connection id means a new connection (RTN15c7: a failed resume), on which the library renumbered and
            // re-sent this publish if it was still unacknowledged (RTN19a2). The id is read from the connection itself:
            // the loop sets it from the CONNECTED before it re-sends anything, so before the re-sent publish's ACK can
            // complete this task. A state-change observer runs on its own queue and may not have run yet by then.
            var connectionBefore = _publisher?.Connection.Id;
            try
            {
                await channel.PublishAsync(messages).ConfigureAwait(false);
                if (Restarts.Count != restartsBefore)
                {
                    for (var i = start; i < start + size; i++)
                    {
                        InFlightAcrossRestart[i] = true;
                    }
                }

                var connectionAfter = _publisher?.Connection.Id;
                if (connectionAfter != connectionBefore)
                {
                    for (var i = start; i < start + size; i++)
                    {
                        ResentAfterFailedResume[i] = true;
                    }
                }

                if (start % 1000 == 0 || attempt > 1 || connectionAfter != connectionBefore)
                {
                    PublisherLog.Enqueue($"{_clock.Elapsed} batch {start} acknowledged (attempt {attempt}) on {connectionAfter}{(connectionAfter != connectionBefore ? $", sent on {connectionBefore}" : string.Empty)}");
                }
                for (var i = start; i < start + size; i++)
                {
                    Acked.Add(i);
                }

                return;
            }
            catch (AblyException ex) when (ex.ErrorInfo.Code == NackCode)
            {
                Interlocked.Increment(ref NackedBatches);
                PublisherLog.Enqueue($"{_clock.Elapsed} batch {start} NACKed");
                NackErrors.Add(ex);
            }
            catch (AblyException ex)
            {
                // Not injected as a NACK: a connection-state failure (RTN7e). Kept for the report; the app retries.
                Interlocked.Increment(ref OtherRetries);
                UnexpectedPublishErrors.Add(ex);
            }

            for (var i = start; i < start + size; i++)
            {
                Retried.AddOrUpdate(i, 1, (_, n) => n + 1);
            }
        }

        throw new InvalidOperationException($"batch at {start} not acknowledged after {MaxPublishAttempts} attempts");
    }

    private Message Create(int seq) => new(seq.ToString(CultureInfo.InvariantCulture), "{\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + ",\"px\":101.25}")
    {
        // Application-supplied ids make a publish idempotent across a failed resume (RSL1k-style, server de-duplicates).
        Id = "chaos-" + Seed.ToString(CultureInfo.InvariantCulture) + "-" + seq.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Fires a random fault every 50–150 ms until <paramref name="stop"/> is cancelled (bounded by count). The server
    /// restart, which loses every message not yet delivered, comes once, in the first half of
    /// <paramref name="spread"/>; the slow spells of the bounded subscriber come in the second half, so that the gaps they
    /// cut are still in history when the subscriber repairs them.
    /// </summary>
    public async Task InjectAsync(AblyRealtime publisher, IReadOnlyList<AblyRealtime> subscribers, IReadOnlyList<ChaosSubscriber> views, TimeSpan spread, CancellationToken stop, int maxFaults = 100_000)
    {
        var restartAt = spread * (0.2 + 0.25 * _random.NextDouble());
        var restarted = false;
        var slowFrom = spread * 0.55;
        var slowSpells = new SlowSpellDutyCycle();
        var boundedView = views.FirstOrDefault(v => v.Options.Overflow == OverflowPolicy.DropOldest);
        // The emulator's silence swallows bytes, which a live TCP connection never does: a stall is only restored after
        // the client's idle timer has noticed it (the transport is then gone and the resume replays what was swallowed).
        var silenced = new List<(string Id, AblyRealtime Client, int Disconnects)>();
        var disconnects = new ConcurrentDictionary<AblyRealtime, int>();
        var watchers = subscribers.Append(publisher).Select(c => c.Connection.StateChanges.Subscribe(change =>
        {
            if (change.Current == ConnectionState.Disconnected)
            {
                disconnects.AddOrUpdate(c, 1, (_, n) => n + 1);
            }
        })).ToList();
        var ackDelay = Stopwatch.StartNew();
        var ackDelayed = false;
        for (var n = 0; n < maxFaults && !stop.IsCancellationRequested; n++)
        {
            try
            {
                // Pacing, not waiting for state: the injector fires a fault every 50-150 ms of real traffic (the
                // chaos run's specification: at least 100 faults in a default run); every outcome is awaited through
                // events further down.
                await Task.Delay(50 + _random.Next(100), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Restore stalled connections after their stall, and ACKs after a while.
            for (var i = silenced.Count - 1; i >= 0; i--)
            {
                if (disconnects.GetValueOrDefault(silenced[i].Client) > silenced[i].Disconnects)
                {
                    _emulator.Faults.SetSilent(silenced[i].Id, false);
                    Count("idle stall detected by the client");
                    silenced.RemoveAt(i);
                }
            }

            if (ackDelayed && ackDelay.Elapsed > TimeSpan.FromSeconds(1))
            {
                _emulator.Faults.DelayAcks(TimeSpan.Zero);
                ackDelayed = false;
            }

            if (!restarted && _clock.Elapsed >= restartAt)
            {
                restarted = true;
                Restarts.Enqueue(_clock.Elapsed);
                PublisherLog.Enqueue($"{_clock.Elapsed} fault: server restart, all state lost");
                silenced.Clear();
                Count("server restart (all state lost)", _emulator.Faults.Restart() > 0);
                continue;
            }

            if (boundedView is not null)
            {
                slowSpells.Observe(boundedView, _clock.Elapsed);
            }

            if (_clock.Elapsed >= slowFrom && _random.Next(12) == 0 && boundedView is { } bounded && slowSpells.MayStart(bounded, _clock.Elapsed))
            {
                bounded.BeSlow(1_500 + _random.Next(1_500));
                Count("slow spell of the bounded subscriber");
                continue;
            }

            var kind = _random.Next(12);
            var targetIsPublisher = _random.Next(4) == 0;
            var target = targetIsPublisher ? publisher : subscribers[_random.Next(subscribers.Count)];
            if (kind is 7 or 8 && target.Options.AuthCallback is null)
            {
                // Token faults go to a client that has a token: the publisher or a token subscriber.
                var tokenClients = subscribers.Where(c => c.Options.AuthCallback is not null).Append(publisher).ToList();
                target = tokenClients[_random.Next(tokenClients.Count)];
                targetIsPublisher = ReferenceEquals(target, publisher);
            }

            var id = target.Connection.Id;
            if (id is null || target.Connection.State != ConnectionState.Connected)
            {
                Count("skipped (target not connected)");
                continue;
            }

            if (targetIsPublisher)
            {
                PublisherLog.Enqueue($"{_clock.Elapsed} fault kind {kind} at publisher");
            }

            switch (kind)
            {
                case 0:
                    Count("drop", _emulator.Faults.DropConnection(id));
                    break;
                case 1:
                    Count("server DISCONNECTED", _emulator.Faults.Disconnect(id, new EmulatorError(80003, 503, "chaos disconnect")));
                    break;
                case 2:
                    Count("forgotten connection", _emulator.Faults.ForgetConnection(id, dropTransport: true));
                    if (targetIsPublisher)
                    {
                        PublisherLog.Enqueue($"{_clock.Elapsed} fault: publisher connection forgotten");
                    }

                    break;
                case 3:
                    _emulator.Faults.DelayAcks(TimeSpan.FromMilliseconds(50 + _random.Next(400)));
                    ackDelayed = true;
                    ackDelay.Restart();
                    Count("delayed ACKs");
                    break;
                case 4:
                    var pubId = publisher.Connection.Id;
                    if (pubId is null)
                    {
                        Count("skipped (target not connected)");
                        break;
                    }

                    _emulator.Faults.NackNextPublishes(1 + _random.Next(3), new EmulatorError(NackCode, 500, "chaos nack"), pubId);
                    Count("NACK");
                    break;
                case 5:
                    var sub = subscribers[_random.Next(subscribers.Count)];
                    Count("server DETACHED", sub.Connection.Id is { } subId && _emulator.Faults.DetachChannel(subId, _channelName, new EmulatorError(DetachCode, 500, "chaos detach")));
                    break;
                case 7:
                    // Token clients only: the token expires now (DISCONNECTED 40142, RTN15h2: renew, then resume).
                    Count(target.Options.AuthCallback is null ? "skipped (key auth)" : "token expired mid-stream",
                        target.Options.AuthCallback is not null && _emulator.Faults.ExpireConnectionToken(id));
                    break;
                case 8:
                    // Token clients only: the server asks for a new token in band (RTN22, RTC8a).
                    Count(target.Options.AuthCallback is null ? "skipped (key auth)" : "server AUTH (in-band renewal)",
                        target.Options.AuthCallback is not null && _emulator.Faults.RequestReauth(id));
                    break;
                case 9:
                    // Latency, not an outage: frames held for less than the idle timeout, then delivered in order.
                    Count("latency spike", _emulator.Faults.DelayFrames(id, TimeSpan.FromMilliseconds(200 + _random.Next(1800))));
                    break;
                case 10:
                    // The server's clock jumps: token issue and expiry times, timestamps and serials all move with it.
                    ServerClock.Offset = TimeSpan.FromSeconds(_random.Next(-180, 181));
                    Count("clock skew");
                    break;
                default:
                    if (silenced.Exists(s => s.Id == id))
                    {
                        Count("skipped (already silent)");
                        break;
                    }

                    Count("idle stall", _emulator.Faults.SetSilent(id, true));
                    silenced.Add((id, target, disconnects.GetValueOrDefault(target)));
                    break;
            }
        }

        // Transports still silent are left so: their clients' idle timers end them and the resumes replay the gap.
        watchers.ForEach(w => w.Dispose());
        _emulator.Faults.Reset();
    }

    /// <summary>The faults that took effect, by kind: skipped ones, those whose target was gone and detections left out.</summary>
    public IReadOnlyDictionary<string, int> AppliedFaults => FaultsByKind
        .Where(kv => !kv.Key.StartsWith("skipped", StringComparison.Ordinal) && !kv.Key.EndsWith("(target gone)", StringComparison.Ordinal)
            && !kv.Key.Contains("detected", StringComparison.Ordinal))
        .ToDictionary(kv => kv.Key, kv => kv.Value);

    private void Count(string kind, bool applied = true) =>
        FaultsByKind.AddOrUpdate(applied ? kind : kind + " (target gone)", 1, (_, n) => n + 1);
}
