using System.Diagnostics;
using System.Globalization;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Channels;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>
/// A seeded fuzzer plays a hostile server through the fake transport, in virtual time: frames from <see cref="FrameFuzzer"/>
/// (generated ProtocolMessages, typical session frames and byte mutations of both) in JSON and msgpack, decoded by the
/// client's codec as the transport does and handed to the connection loop, with user commands and clock advances in
/// between. The codecs may throw only AblyException 400xx, the payload decoder never throws, the client never throws out
/// of its loop or into a subscriber, still answers PingAsync, state queries and CloseAsync, and ends in a documented
/// state (docs/reliability.md) with an ErrorInfo where the state needs one; the heap stays flat across runs and no run
/// hangs. The CI run pushes 50,000 frames, the soak 1,000,000 (RELIABLY_RX_FUZZ_FRAMES overrides the count).
/// Replay with RELIABLY_RX_FUZZ_SEED=&lt;first run's seed&gt; (each run of 2,000 frames uses the next seed).
/// </summary>
[TestFixture]
[Category("Hostile")]
public sealed class ServerFrameFuzzTests
{
    private const int FramesPerRun = 2_000;

    // No key, the right key for the 128-bit frames the fuzzer makes, and a wrong 256-bit one.
    private static readonly CipherParams?[] Ciphers = [null, new(new byte[16]), new(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray())];

    [Test]
    public Task Fifty_thousand_fuzzed_frames_never_break_the_codecs_the_loop_or_a_subscriber() => FuzzAsync(Frames(50_000));

    [Test]
    [Explicit("Soak: a million frames, a few minutes; run with --filter TestCategory=Soak")]
    [Category("Soak")]
    public Task Soak_a_million_fuzzed_frames_never_break_the_codecs_the_loop_or_a_subscriber() => FuzzAsync(Frames(1_000_000));

    private static long Frames(long defaultCount) =>
        long.TryParse(Environment.GetEnvironmentVariable("RELIABLY_RX_FUZZ_FRAMES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : defaultCount;

    private static async Task FuzzAsync(long frames)
    {
        var firstSeed = int.TryParse(Environment.GetEnvironmentVariable("RELIABLY_RX_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var replay)
            ? replay
            : 1;
        var runs = (int)Math.Max(1, (frames + FramesPerRun - 1) / FramesPerRun);
        TestContext.Progress.WriteLine($"[fuzz] {runs} runs x {FramesPerRun} frames from seed {firstSeed} (replay: RELIABLY_RX_FUZZ_SEED={firstSeed})");
        var clock = Stopwatch.StartNew();
        var kinds = new Dictionary<string, long>();
        var endStates = new Dictionary<string, int>();
        var heap = new List<long>();
        long liveFrames = 0;
        for (var run = 0; run < runs; run++)
        {
            var seed = firstSeed + run;
            var format = seed % 2 == 0 ? WireFormat.Json : WireFormat.MsgPack;
            var fuzzer = new FrameFuzzer(seed, format, "chat");

            // A run that never returns is a hang: it fails the test rather than the build.
            var (endState, live) = await Task.Run(() => RunAsync(seed, fuzzer)).WaitAsync(TimeSpan.FromMinutes(2));
            liveFrames += live;
            endStates[endState] = endStates.GetValueOrDefault(endState) + 1;
            foreach (var (kind, count) in fuzzer.Kinds)
            {
                kinds[kind] = kinds.GetValueOrDefault(kind) + count;
            }

            if (run % 25 == 0 || run == runs - 1)
            {
                heap.Add(GC.GetTotalMemory(forceFullCollection: true));
                TestContext.Progress.WriteLine($"[fuzz] {(long)(run + 1) * FramesPerRun:N0} frames, {clock.Elapsed.TotalSeconds:F0} s, heap {heap[^1] / 1024:N0} KiB");
            }
        }

        TestContext.Progress.WriteLine($"[fuzz] {(long)runs * FramesPerRun:N0} frames in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value:N0}"))}");
        TestContext.Progress.WriteLine($"[fuzz] {liveFrames:N0} frames reached a CONNECTED client with its channel ATTACHED");
        TestContext.Progress.WriteLine($"[fuzz] end states: {string.Join(", ", endStates.OrderByDescending(e => e.Value).Select(e => $"{e.Key} x{e.Value}"))}");

        // Bounded memory: every run's client is gone, so the heap after the first sample must not keep growing. (The
        // report prints one line per 25 runs: the test runner keeps all output in memory, and a line per run measurably
        // grew the heap.)
        if (heap.Count > 2)
        {
            Assert.That(heap[^1] - heap[1], Is.LessThan(16L * 1024 * 1024), $"heap samples (KiB): {string.Join(", ", heap.Select(h => h / 1024))}");
        }
    }

    /// <summary>One client, <see cref="FramesPerRun"/> frames; returns its end state for the report.</summary>
    private static async Task<(string EndState, int Live)> RunAsync(int seed, FrameFuzzer fuzzer)
    {
        var rng = new Random(seed);
        var ciphers = Ciphers;
        var state = string.Empty;
        var live = 0;
        await RunAsync(rng, fuzzer.Codec.Format == WireFormat.MsgPack, (h, l) => (state, live) = ($"{h.H.Connection.State}/{h.Channel.State}", l), () =>
        {
            // The codec and payload decoder are checked directly (only 400xx escapes, nothing throws), then the raw
            // bytes go to the client, whose transport decodes them as a socket's frames.
            var frame = fuzzer.Next();
            if (fuzzer.Decode(frame) is ProtocolMessage pm)
            {
                fuzzer.DecodePayloads(pm, ciphers[rng.Next(ciphers.Length)]);
            }

            return frame;
        });
        return (state, live);
    }

    /// <summary>Feeds raw frames to one client, with commands, reconnects and clock advances in between, and checks the invariants.</summary>
    private static async Task RunAsync(Random rng, bool binary, Action<ChannelHarness, int> ended, Func<byte[]> nextFrame)
    {
        await using var h = new ChannelHarness("chat", configure: o => o with { UseBinaryProtocol = binary });
        var validator = new SynchronizationValidator();
        var errors = new List<Exception>();
        var received = 0;
        var completed = false;
        using var subscription = validator.Wrap(h.Channel.Messages()).Subscribe(_ => received++, errors.Add, () => completed = true);
        using var presence = validator.Wrap(h.Channel.Presence.Events).Subscribe(_ => { }, errors.Add);
        using var states = h.H.Connection.StateChanges.Subscribe(_ => { }, errors.Add);
        await h.AttachNow();
        var publishes = new List<Task>();
        var live = 0;

        for (var i = 0; i < FramesPerRun; i++)
        {
            if (h.H.Connection.State is ConnectionState.Closed or ConnectionState.Failed && rng.Next(4) == 0)
            {
                // A server CLOSED or ERROR ends the connection; the application connects again, so that the rest of the
                // run reaches a live loop rather than a finished one.
                h.H.Connection.Connect();
                h.Pump();
            }

            var transport = h.H.Transport;
            if (h.H.Connection.State == ConnectionState.Connecting && rng.Next(3) != 0)
            {
                // Let some reconnects succeed so later frames hit a connected client again.
                transport.Connected("conn-" + i, "key-" + i, ChannelHarness.QuietDetails);
                h.Pump();
            }

            if (h.H.Connection.State == ConnectionState.Connected && h.Channel.State is ChannelState.Detached or ChannelState.Failed or ChannelState.Suspended && rng.Next(4) == 0)
            {
                publishes.Add(Observe(() => h.Channel.AttachAsync()));
                h.Pump();
            }

            if (h.H.Connection.State == ConnectionState.Connected && h.Channel.State == ChannelState.Attaching && rng.Next(2) == 0)
            {
                transport.Receive(h.Attached(flags: rng.Next(2) == 0 ? ProtocolFlags.HasPresence : ProtocolFlags.None));
                h.Pump();
            }

            if (h.H.Connection.State == ConnectionState.Connected && h.Channel.State == ChannelState.Attached)
            {
                live++;
            }

            transport.ReceiveFrame(nextFrame(), transport.Kind);

            if (rng.Next(10) == 0 && h.Channel.State is not (ChannelState.Failed or ChannelState.Suspended))
            {
                // User commands interleave with the hostile frames; their outcomes are checked below.
                publishes.Add(Observe(() => h.Channel.PublishAsync("p", i)));
            }

            h.Pump();
            if (rng.Next(4) == 0)
            {
                h.Advance(TimeSpan.FromMilliseconds(rng.Next(20_000)));
            }
        }

        ended(h, live);
        AssertResponsiveAndDocumented(h);
        Assert.That(errors, Is.Empty, "no OnError on any public stream");
        Assert.That(validator.Overlaps, Is.Zero);
        Assert.That(completed, Is.False, "a message stream completes only on release or dispose");

        // Close settles every publish: acknowledged, NACKed or failed with an AblyException (never hangs, never other types).
        var close = h.H.Connection.CloseAsync();
        for (var i = 0; i < 10 && !close.IsCompleted; i++)
        {
            h.Pump();
            h.H.Transport.Receive(new ProtocolMessage(ProtocolAction.Closed));
            h.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.That(close.IsCompleted, Is.True, "CloseAsync completes");
        Assert.That(h.H.Connection.State, Is.AnyOf(ConnectionState.Closed, ConnectionState.Failed));
        h.Pump();
        Assert.That(publishes.Select(p => p.IsCompleted), Is.All.True, "every publish settled");
        Assert.That(publishes.Where(p => p.IsFaulted).Select(p => p.Exception!.InnerException), Is.All.InstanceOf<AblyException>());
    }

    private static Task Observe(Func<Task> publish)
    {
        try
        {
            return publish();
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }

    internal static void AssertResponsiveAndDocumented(ChannelHarness h)
    {
        var connection = h.H.Connection;
        var state = connection.State;
        // Closed only after the server's own CLOSED frame (it ended the connection); the rest as documented.
        Assert.That(state, Is.AnyOf(ConnectionState.Connected, ConnectionState.Connecting, ConnectionState.Disconnected, ConnectionState.Suspended, ConnectionState.Failed, ConnectionState.Closed));
        if (state is ConnectionState.Disconnected or ConnectionState.Suspended or ConnectionState.Failed)
        {
            // The server's ErrorInfo is passed through verbatim (a hostile server may send code 0); one always exists.
            Assert.That(connection.ErrorReason, Is.Not.Null, $"{state} carries the reason");
        }

        if (h.Channel.State is ChannelState.Failed or ChannelState.Suspended)
        {
            Assert.That(h.Channel.ErrorReason, Is.Not.Null, "a FAILED or SUSPENDED channel carries the reason");
        }

        // The loop still answers: a ping settles (pong, timeout or an error) within bounded virtual time. A ping waits
        // for CONNECTED (RTN13d), and a fuzzed CONNECTED may have set a connectionStateTtl of days, so the server now
        // answers the next connection attempt.
        var ping = connection.PingAsync();
        for (var step = 0; step < 20 && !ping.IsCompleted; step++)
        {
            h.Pump();
            if (connection.State == ConnectionState.Connecting)
            {
                h.H.Transport.Connected("conn-final", "key-final", ChannelHarness.QuietDetails);
                h.Pump();
            }

            if (h.H.Transport.SentOf(ProtocolAction.Heartbeat).LastOrDefault() is { Id: { } id } && connection.State == ConnectionState.Connected)
            {
                h.H.Transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = id });
            }

            h.Advance(TimeSpan.FromSeconds(15));
        }

        Assert.That(ping.IsCompleted, Is.True, $"PingAsync settles within 300 virtual seconds: the loop is not deadlocked (state {connection.State})");
        if (ping.IsFaulted)
        {
            Assert.That(ping.Exception!.InnerException, Is.InstanceOf<AblyException>());
        }
    }
}
