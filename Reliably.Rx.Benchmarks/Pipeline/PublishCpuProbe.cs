using System.Diagnostics;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// <c>publish-cpu</c>: the client's own CPU time and allocation per published message, without sockets and without the
/// emulator. The e2e publish scenario's pattern (single-message <c>PublishAsync</c> calls, at most a window of them
/// unacknowledged, the window released by each publish's completion) runs against the <see cref="LoopbackTransport"/>,
/// which ACKs every MESSAGE frame with a real encoded frame; so every publish is encoded, checked for size, submitted to
/// the loop, written, ACKed, decoded and completed, as against a server. The caller blocks on the window instead of
/// spinning. Prints one line per round and the median.
/// With <c>receive-loop</c> as the fifth argument the ACKs reach the client from a receive loop of their own, as from a
/// socket, instead of from inside the loop's own send.
/// Usage: <c>publish-cpu [json|msgpack] [publishes per round] [rounds] [window] [receive-loop]</c>.
/// </summary>
public static class PublishCpuProbe
{
    public const string Verb = "publish-cpu";

    private static readonly string Payload = new string('x', 90) + "0123456789";

    public static int Run(string[] args)
    {
        var format = args.Length > 0 ? args[0] : "msgpack";
        var publishes = args.Length > 1 ? int.Parse(args[1]) : 100_000;
        var rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
        var window = args.Length > 3 ? int.Parse(args[3]) : 1_000;

        var receiveLoop = args.Length > 4 && args[4] == "receive-loop";
        var factory = new LoopbackTransportFactory(receiveLoop);
        var client = new AblyRealtime(
            new ClientOptions { Key = "app.key:secret", Endpoint = "127.0.0.1", Port = 1, Tls = false, AllowInsecureBasicAuth = true, UseBinaryProtocol = format == "msgpack" },
            factory, auth: null, random: null);
        client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var channel = client.Channels.Get("bench:publish");

        // PROBE_ALLOCATIONS=1: which types the publishes allocate (sampled), printed after the rounds.
        using var sampler = Environment.GetEnvironmentVariable("PROBE_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        var process = Process.GetCurrentProcess();
        var results = new List<double>();
        var lastAllocated = 0.0;
        for (var round = -1; round < rounds; round++)
        {
            using var slots = new SemaphoreSlim(window, window);
            using var done = new CountdownEvent(publishes);
            var failed = 0;
            Action<Task<PublishResult>> completed = t =>
            {
                if (!t.IsCompletedSuccessfully)
                {
                    Interlocked.Increment(ref failed);
                }

                slots.Release();
                done.Signal();
            };

            var start = CpuRound.Begin(process);
            for (var i = 0; i < publishes; i++)
            {
                slots.Wait();
                _ = channel.PublishAsync("m", Payload).ContinueWith(completed, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (!done.Wait(TimeSpan.FromSeconds(120)))
            {
                Console.Error.WriteLine("timed out waiting for acknowledgements");
                return 1;
            }

            var (cpu, wallNs, allocated, gcs, gen1, pause, promoted) = start.Stop(publishes);
            if (round >= 0)
            {
                results.Add(cpu);
                lastAllocated = allocated;
                Console.WriteLine($"round {round}: {cpu / 1000:F3} us CPU and {wallNs / 1000:F3} us wall per publish, {allocated:F0} B allocated per publish, {gcs} gen0 GCs ({gen1} gen1), {pause.TotalMilliseconds:F0} ms paused in GC, {promoted / 1024} KB promoted by the last, {failed} failed ({format}, window {window}{(receiveLoop ? ", receive loop" : string.Empty)})");
            }
        }

        sampler?.Print(25, lastAllocated, "publish");
        var cpus = results.Order().ToArray();
        Console.WriteLine($"median: {cpus[cpus.Length / 2] / 1000:F3} us CPU per publish; {format}, {publishes} publishes x {rounds} rounds, window {window}{(receiveLoop ? ", receive loop" : string.Empty)}");
        client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }
}
