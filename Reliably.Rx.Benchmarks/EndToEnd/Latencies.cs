using System.Diagnostics;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>Stopwatch-tick latencies and their percentiles (nearest rank).</summary>
internal static class Latencies
{
    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static (double? P50, double? P99) Summarize(long[] ticks, int count)
    {
        if (count <= 0)
        {
            return (null, null);
        }

        var sorted = ticks.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        return (ToMs(Rank(sorted, 50)), ToMs(Rank(sorted, 99)));
    }

    private static long Rank(long[] sorted, int percentile)
    {
        var index = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    /// <summary>100 characters: the send timestamp (Stopwatch ticks), a bar, and filler.</summary>
    public static string TimedPayload()
    {
        var head = Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture) + "|";
        return head + new string('x', 100 - head.Length);
    }

    public static long SentAt(string data) =>
        long.Parse(data.AsSpan(0, data.IndexOf('|')), System.Globalization.CultureInfo.InvariantCulture);
}
