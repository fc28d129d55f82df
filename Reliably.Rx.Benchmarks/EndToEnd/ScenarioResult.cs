namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>The figures of one scenario on one side; null figures were not measured (timed out or failed).</summary>
internal sealed record ScenarioResult
{
    public double? Rate { get; init; }

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    public long? Expected { get; init; }

    public long? Delivered { get; init; }

    public long? Failed { get; init; }

    public double? Seconds { get; init; }

    /// <summary>Memory: bytes for the channel set, and per idle connection.</summary>
    public double? ChannelsBytes { get; init; }

    public double? PerConnectionBytes { get; init; }

    /// <summary>Memory: the same deltas on the managed heap (.NET) or the V8 heap (node).</summary>
    public double? ChannelsHeapBytes { get; init; }

    public double? PerConnectionHeapBytes { get; init; }

    public string? Problem { get; init; }

    /// <summary>CPU time of this whole process (emulator included) during the scenario; in-process sides only.</summary>
    public double? ProcessCpuSeconds { get; init; }

    /// <summary>Bytes allocated by this whole process (emulator included) during the scenario; in-process sides only.</summary>
    public long? ProcessAllocatedBytes { get; init; }

    public static ScenarioResult TimedOut(TimeSpan after) => new() { Problem = $"timed out after {after.TotalSeconds:0} s" };

    public static ScenarioResult Error(string message) => new() { Problem = "error: " + message };
}
