using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Benchmarks.AB;

/// <summary>
/// <c>ab</c>: compares two builds of the library in one process. Each build's benchmark assembly is loaded with its
/// own Reliably.Rx.dll (and its own dependencies) into its own <see cref="AssemblyLoadContext"/>; both open the same
/// probe (<see cref="AbProbes"/>), then short rounds alternate A B, B A, ... with a full collection before each, the
/// warm-up rounds are discarded, and each pair's after/before ratio is taken. A change of the machine's speed over
/// minutes (other processes, frequency, the cloud neighbour) moves both rounds of a pair alike and cancels in its
/// ratio, which separate processes run one after the other cannot do.
/// </summary>
public static class AbCommand
{
    public const string Verb = "ab";

    private const string Help = """
        ab <dirA> <dirB> <probe> <probe arguments> [options]

        Runs the same probe against two builds in one process, alternating short rounds, and reports per-pair ratios
        B/A (after/before), their median and a bootstrap 95% interval, for CPU time, wall time and bytes allocated per
        unit. dirA and dirB are Release output folders of Reliably.Rx.Benchmarks (with Reliably.Rx.dll beside it),
        each built from the commit to compare with AB/AbProbes.cs copied into it (and, for the raw probes,
        AB/RawProbes.cs and EndToEnd/RawWebSocket*.cs).

        Probes (for publish and fanout the command starts one emulator, this build's, and passes its port and key;
        rawpublish and rawfanout start each build's own emulator and drive it with the e2e raw client, ownpublish and
        ownfanout drive it with Reliably.Rx clients):
          receive <json|msgpack> <subscribers>
          publish <json|msgpack>
          fanout <json|msgpack> <subscribers>
          rawpublish <json|msgpack>
          rawfanout <json|msgpack> <subscribers>
          ownpublish <json|msgpack>, ownfanout <json|msgpack> <subscribers>: publish and fanout against each build's own emulator

        Options:
          --pairs N     measured pairs (default 40)
          --n N         units per round (default: receive 20000 frames, publish and rawpublish 5000, fanouts 1000 messages)
          --warmup N    discarded rounds per side before measuring (default 5)
          --labels A,B  names of the two sides in the report (default A,B)

        Set DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 for CPU time: otherwise idle pool threads spin and count.
        CPU time and allocation are the whole process's: only one side runs at a time, the other's clients are idle.
        """;

    public static int Run(string[] args)
    {
        var positional = new List<string>();
        var (pairs, n, warmup, labels) = (40, 0, 5, new[] { "A", "B" });
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    Console.WriteLine(Help);
                    return 0;
                case "--pairs":
                    pairs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--n":
                    n = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--labels":
                    labels = args[++i].Split(',');
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        if (positional.Count < 4 || labels.Length != 2)
        {
            Console.Error.WriteLine(Help);
            return 2;
        }

        var probe = positional[2];
        var probeArgs = positional.Skip(3).ToList();
        n = n > 0 ? n : probe switch { "receive" => 20_000, "publish" or "rawpublish" or "ownpublish" => 5_000, _ => 1_000 };
        using var emulatorScope = new EmulatorScope(probe is "publish" or "fanout");
        var emulator = emulatorScope.Emulator;
        if (emulator is not null)
        {
            probeArgs.InsertRange(1, [emulator.Port.ToString(CultureInfo.InvariantCulture), emulator.DefaultKey]);
        }

        Console.WriteLine($"ab {probe} {string.Join(' ', positional.Skip(3))}: {pairs} pairs of {n} units, {warmup} warm-up rounds per side; load average {LoadAverage()}; " +
            $"DOTNET_ThreadPool_UnfairSemaphoreSpinLimit={Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") ?? "(unset)"}");
        var sides = new[] { Side.Open(labels[0], positional[0], probe, [.. probeArgs]), Side.Open(labels[1], positional[1], probe, [.. probeArgs]) };
        try
        {
            for (var w = 0; w < warmup * 2; w++)
            {
                sides[w % 2].Measure(n);
            }

            var results = new[] { new List<Round>(), new List<Round>() };
            var order = AbStatistics.Schedule(pairs);
            for (var i = 0; i < order.Length; i++)
            {
                var side = order[i] ? 1 : 0;
                results[side].Add(sides[side].Measure(n));
                if (i % 2 == 1)
                {
                    var (a, b) = (results[0][^1], results[1][^1]);
                    Console.WriteLine(FormattableString.Invariant(
                        $"pair {(i / 2) + 1,3} {(order[i - 1] ? "BA" : "AB")}: CPU {a.CpuNs:F0} / {b.CpuNs:F0} ns = {b.CpuNs / a.CpuNs:F3}, wall {a.WallNs:F0} / {b.WallNs:F0} ns = {b.WallNs / a.WallNs:F3}, alloc {a.Bytes:F0} / {b.Bytes:F0} B, gen0 {a.Gen0} / {b.Gen0}"));
                }
            }

            Report(labels, results[0], results[1]);
            Console.WriteLine($"load average at the end {LoadAverage()}");
            return 0;
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            foreach (var side in sides)
            {
                side.Dispose();
            }
        }
    }

    private static void Report(string[] labels, List<Round> a, List<Round> b)
    {
        Console.WriteLine();
        Console.WriteLine($"| per unit | {labels[0]} (median) | {labels[1]} (median) | {labels[1]}/{labels[0]}: median of the pair ratios [bootstrap 95% interval] |");
        Console.WriteLine("|---|---:|---:|---|");
        Row("CPU time (ns)", r => r.CpuNs);
        Row("wall time (ns)", r => r.WallNs);
        Row("allocated (B)", r => r.Bytes);
        Row("gen-0 collections per round", r => r.Gen0);
        var rate = AbStatistics.BootstrapMedian(AbStatistics.PairRatios([.. b.Select(r => r.WallNs)], [.. a.Select(r => r.WallNs)]));
        Console.WriteLine($"rate (units per wall second) {labels[1]}/{labels[0]}: {rate}");

        void Row(string name, Func<Round, double> value)
        {
            var ratio = AbStatistics.BootstrapMedian(AbStatistics.PairRatios([.. a.Select(value)], [.. b.Select(value)]));
            Console.WriteLine(FormattableString.Invariant(
                $"| {name} | {AbStatistics.Median([.. a.Select(value)]):F1} | {AbStatistics.Median([.. b.Select(value)]):F1} | {ratio} ({ratio.Count} pairs) |"));
        }
    }

    /// <summary>The emulator of the e2e probes (this build's, in the default load context), stopped at the end.</summary>
    private sealed class EmulatorScope(bool start) : IDisposable
    {
        public AblyEmulator? Emulator { get; } = start
            ? AblyEmulator.StartAsync(new EmulatorOptions { Port = 0, FrameLogLimit = 0, ChannelHistoryLimit = 1_000 }).GetAwaiter().GetResult()
            : null;

        public void Dispose() => Emulator?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private readonly record struct Round(double CpuNs, double WallNs, double Bytes, int Gen0);

    /// <summary>One build: its load context, its probe session and the round function.</summary>
    private sealed class Side : IDisposable
    {
        private readonly Func<int, long> _round;
        private readonly IDisposable _session;
        private readonly Process _process = Process.GetCurrentProcess();

        private Side(Func<int, long> round, IDisposable session)
        {
            _round = round;
            _session = session;
        }

        public static Side Open(string label, string dir, string probe, string[] args)
        {
            var path = Directory.Exists(dir) ? Path.Combine(dir, "Reliably.Rx.Benchmarks.dll") : dir;
            var context = new BuildContext(label, Path.GetFullPath(path));
            var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
            var library = context.LoadFromAssemblyName(new AssemblyName("Reliably.Rx"));
            Console.WriteLine($"{label}: {library.Location} {library.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");
            var open = assembly.GetType(typeof(AbProbes).FullName!, throwOnError: true)!.GetMethod(nameof(AbProbes.Open))!;
            // Under a heavy load a connection can miss the probe's 15 s wait; a failed attempt is retried, because the
            // probe file is compiled into old commits and cannot be changed there. The failed attempt's client is left
            // to the process's end: it only retries its connection, outside the rounds' units.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var (round, session) = ((Func<int, long>, IDisposable))open.Invoke(null, [probe, args])!;
                    return new Side(round, session);
                }
                // By name: the build's AblyException is its own load context's type, not this assembly's.
                catch (TargetInvocationException e) when (attempt < 3 && e.InnerException?.GetType().FullName == typeof(AblyException).FullName)
                {
                    Console.WriteLine($"{label}: opening the probe failed ({e.InnerException!.Message}); attempt {attempt + 1}");
                }
            }
        }

        public Round Measure(int n)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            _process.Refresh();
            var cpu0 = _process.TotalProcessorTime;
            var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
            var gen0 = GC.CollectionCount(0);
            var wall = Stopwatch.StartNew();
            var units = _round(n);
            wall.Stop();
            if (units <= 0)
            {
                throw new TimeoutException($"a round of {n} did not complete");
            }

            _process.Refresh();
            return new Round(
                (_process.TotalProcessorTime - cpu0).TotalNanoseconds / units,
                wall.Elapsed.TotalNanoseconds / units,
                (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / (double)units,
                GC.CollectionCount(0) - gen0);
        }

        public void Dispose() => _session.Dispose();
    }

    /// <summary>Resolves a build's own assemblies from its folder (its deps.json); the shared framework stays shared.</summary>
    private sealed class BuildContext(string name, string mainAssembly) : AssemblyLoadContext(name)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
