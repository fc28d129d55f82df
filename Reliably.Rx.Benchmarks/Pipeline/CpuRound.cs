using System.Diagnostics;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// One measured round of a CPU probe: process CPU time, wall time, bytes allocated per unit of work; the round's gen-0 and
/// gen-1 collections and the time the runtime was paused for them (a collection's cost grows with what survives it, so
/// the same number of collections can cost more when long-lived objects keep each unit's objects alive), and the bytes
/// the round's last gen-0 or gen-1 collection promoted.
/// </summary>
internal readonly record struct CpuRound(double CpuNs, double WallNs, double Allocated, int Gen0, int Gen1, TimeSpan GcPause, long LastPromoted)
{
    /// <summary>Collects garbage, then takes the starting readings; <see cref="Start.Stop"/> turns them into a round.</summary>
    public static Start Begin(Process process)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        return new Start(process, process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.GetTotalPauseDuration(), Stopwatch.StartNew());
    }

    /// <summary>The readings at the start of a round.</summary>
    public readonly record struct Start(Process Process, TimeSpan Cpu, long Bytes, int Gen0, int Gen1, TimeSpan Pause, Stopwatch Wall)
    {
        /// <summary>The round's figures per one of <paramref name="units"/>.</summary>
        public CpuRound Stop(int units)
        {
            Wall.Stop();
            Process.Refresh();
            return new CpuRound(
                (Process.TotalProcessorTime - Cpu).TotalMilliseconds * 1e6 / units,
                Wall.Elapsed.TotalMilliseconds * 1e6 / units,
                (GC.GetTotalAllocatedBytes(precise: true) - Bytes) / (double)units,
                GC.CollectionCount(0) - Gen0,
                GC.CollectionCount(1) - Gen1,
                GC.GetTotalPauseDuration() - Pause,
                GC.GetGCMemoryInfo(GCKind.Ephemeral).PromotedBytes);
        }
    }
}
