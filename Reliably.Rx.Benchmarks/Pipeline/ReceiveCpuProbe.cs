using System.Buffers;
using System.Diagnostics;
using Reliably.Rx.Benchmarks.AB;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// <c>receive-cpu</c>: the receive pipeline's CPU cost per delivered message, measured as process CPU time (all threads)
/// while the caller blocks instead of spinning, so the figure does not depend on how the OS shares the cores between
/// the caller, the loop and the subscribers' drains. Same path as <see cref="ReceivePipelineBenchmarks"/>: MESSAGE
/// frames with one ~100-byte message through the real codec, the loop, the channel and N <c>Messages()</c>
/// subscribers on the thread pool. Prints one line per round and the median.
/// With a number of channels, each has the subscribers and the frames go to the channels in turn, so the figure shows
/// how the cost per message grows with the channels on a connection.
/// A sixth argument sets the size of each message's string data (default 100 characters). <c>PROBE_ALLOCATIONS=1</c>
/// samples the allocated types, as <c>publish-cpu</c> does; <c>PROBE_IN_FLIGHT=1</c> samples, every 5,000 frames, the
/// messages sent and not yet delivered and how many of them wait in the subscribers' queues (the rest are in the
/// connection loop's FIFO), at a cost of one pass over the subscriptions per sample; <c>PROBE_MAX_IN_FLIGHT=N</c> holds
/// the sender while N deliveries are outstanding (its waiting counts as CPU: for the collector's figures, not the CPU);
/// <c>PROBE_TOUCH=N</c> sends the frames to the first N channels only (all of them attached and subscribed), so the
/// channels touched between two collections vary while the channels held do not.
/// Usage: <c>receive-cpu [json|msgpack] [subscribers per channel] [frames per round] [rounds] [channels] [data length]</c>.
/// </summary>
public static class ReceiveCpuProbe
{
    public const string Verb = "receive-cpu";

    // PROBE_MAX_IN_FLIGHT=N: the sender waits (yielding, which counts as CPU) while N deliveries are outstanding.
    private static readonly long MaxInFlight = long.TryParse(Environment.GetEnvironmentVariable("PROBE_MAX_IN_FLIGHT"), out var n) ? n : 0;
    private static long _throttledDeliveries;

    public static int Run(string[] args)
    {
        var format = args.Length > 0 ? args[0] : "msgpack";
        var subscribers = args.Length > 1 ? int.Parse(args[1]) : 20;
        var frames = args.Length > 2 ? int.Parse(args[2]) : 50_000;
        var rounds = args.Length > 3 ? int.Parse(args[3]) : 7;
        var channelCount = args.Length > 4 ? int.Parse(args[4]) : 1;
        var payload = args.Length > 5 ? int.Parse(args[5]) : Codecs.CodecBenchmarkFrames.DataLength;
        if (frames % channelCount != 0)
        {
            Console.Error.WriteLine("frames per round must be a multiple of the number of channels");
            return 2;
        }

        var factory = new LoopbackTransportFactory();
        var client = new AblyRealtime(
            new ClientOptions { Key = "app.key:secret", Endpoint = "127.0.0.1", Port = 1, Tls = false, AllowInsecureBasicAuth = true, UseBinaryProtocol = format == "msgpack" },
            factory, auth: null, random: null);
        client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

        // Every channel has the same number of subscribers; the frames go to the channels in turn.
        var counters = new DeliveryCounter[channelCount * subscribers];
        var subscriptions = new IDisposable[counters.Length];
        var channelFrames = new byte[channelCount][];
        var codec = ProtocolCodecs.For(format == "msgpack" ? WireFormat.MsgPack : WireFormat.Json);
        var attachStarted = Stopwatch.StartNew();
        var attaches = new Task[channelCount];
        for (var c = 0; c < channelCount; c++)
        {
            var name = channelCount == 1 ? "bench:channel" : $"bench:channel-{c}";
            var channel = client.Channels.Get(name);
            for (var i = 0; i < subscribers; i++)
            {
                var counter = counters[(c * subscribers) + i] = new DeliveryCounter();
                subscriptions[(c * subscribers) + i] = channel.Messages().Subscribe(_ => Delivered(counter), _ => { });
            }

            attaches[c] = channel.AttachAsync();
            var buffer = new ArrayBufferWriter<byte>();
            var pm = Codecs.CodecBenchmarkFrames.MessageFrame(1, payload);
            pm.Channel = name;
            codec.WriteProtocolMessage(pm, buffer);
            channelFrames[c] = buffer.WrittenMemory.ToArray();
        }

        Task.WhenAll(attaches).WaitAsync(TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        if (channelCount > 1)
        {
            Console.WriteLine($"attached {channelCount} channels in {attachStarted.Elapsed.TotalMilliseconds:F0} ms");
        }

        var transport = factory.Last!;
        var touched = int.TryParse(Environment.GetEnvironmentVariable("PROBE_TOUCH"), out var t) && t > 0 && t <= channelCount ? t : channelCount;
        var perChannel = frames / touched;

        var process = Process.GetCurrentProcess();
        var results = new List<(double Cpu, double Wall)>();
        using var sampler = Environment.GetEnvironmentVariable("PROBE_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        var lastAllocated = 0.0;
        var sampleInFlight = Environment.GetEnvironmentVariable("PROBE_IN_FLIGHT") == "1";
        for (var round = -1; round < rounds; round++)
        {
            using var done = new CountdownEvent(touched * subscribers);
            for (var k = 0; k < touched * subscribers; k++)
            {
                counters[k].Arm(perChannel, done);
            }

            var workItems = ThreadPool.CompletedWorkItemCount;
            var inFlight = sampleInFlight ? new InFlightSampler(counters, subscriptions) : null;
            var start = CpuRound.Begin(process);
            for (var i = 0; i < frames; i++)
            {
                transport.Receive(channelFrames[i % touched]);
                if (MaxInFlight > 0)
                {
                    var sent = ((round + 1L) * frames * subscribers) + ((i + 1L) * subscribers);
                    while (sent - Interlocked.Read(ref _throttledDeliveries) > MaxInFlight)
                    {
                        Thread.Yield();
                    }
                }

                if (inFlight is not null && i % 5000 == 4999)
                {
                    inFlight.Sample(sent: ((round + 1L) * frames) + i + 1);
                }
            }

            if (!done.Wait(TimeSpan.FromSeconds(120)))
            {
                Console.Error.WriteLine("timed out waiting for deliveries");
                return 1;
            }

            var (cpu, wallNs, allocated, gcs, gen1, pause, promoted) = start.Stop(frames);
            var itemsPerMessage = (double)(ThreadPool.CompletedWorkItemCount - workItems) / frames;
            if (round >= 0)
            {
                results.Add((cpu, wallNs));
                lastAllocated = allocated;
                inFlight?.Print();
                Console.WriteLine($"round {round}: {cpu / 1000:F3} us CPU and {wallNs / 1000:F3} us wall per message, {allocated:F0} B allocated per message, {gcs} gen0 GCs ({gen1} gen1), {pause.TotalMilliseconds:F0} ms paused in GC, {promoted / 1024} KB promoted by the last, {itemsPerMessage:F3} pool work items per message ({subscribers} subscribers on each of {channelCount} channels, {format})");
            }
        }

        sampler?.Print(25, lastAllocated, "message");
        var cpus = results.Select(r => r.Cpu).Order().ToArray();
        var walls = results.Select(r => r.Wall).Order().ToArray();
        Console.WriteLine($"median: {cpus[cpus.Length / 2] / 1000:F3} us CPU, {walls[walls.Length / 2] / 1000:F3} us wall per message ({cpus[cpus.Length / 2] / 1000 / subscribers:F3} us CPU per delivery); {format}, {subscribers} subscribers on each of {channelCount} channels, {frames} frames x {rounds} rounds, {payload} B of data per message: {payload / (cpus[cpus.Length / 2] / 1000):F1} MB of data per CPU-second");
        foreach (var s in subscriptions)
        {
            s.Dispose();
        }

        client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static void Delivered(DeliveryCounter counter)
    {
        counter.Add();
        if (MaxInFlight > 0)
        {
            Interlocked.Increment(ref _throttledDeliveries);
        }
    }
}

/// <summary>The messages sent and not yet delivered, and those of them in the subscribers' queues, sampled during a round.</summary>
internal sealed class InFlightSampler(DeliveryCounter[] counters, IDisposable[] subscriptions)
{
    private long _inFlight;
    private long _queued;
    private long _samples;

    public void Sample(long sent)
    {
        long delivered = 0;
        foreach (var counter in counters)
        {
            delivered += counter.Count;
        }

        long queued = 0;
        foreach (var subscription in subscriptions)
        {
            queued += ((DeliverySubscription)subscription).Lag.Queued;
        }

        _inFlight += sent - delivered;
        _queued += queued;
        _samples++;
    }

    public void Print() => Console.WriteLine(
        $"in flight: {_inFlight / Math.Max(1, _samples)} messages on average over {_samples} samples, {_queued / Math.Max(1, _samples)} of them in the subscribers' queues");
}
