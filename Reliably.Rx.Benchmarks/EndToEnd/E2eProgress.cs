using System.Diagnostics;
using System.Globalization;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// Progress of the scenario that is running, printed to stderr every few seconds so a long run shows it is moving:
/// what runs, how many messages (or requests) are done so far and at what rate, and for how long. In-process scenarios
/// count with <see cref="Add"/>; a node run, which reports only at its end, shows the elapsed time.
/// </summary>
internal static class E2eProgress
{
    private static long _done;

    /// <summary>Counts finished messages or requests of the running scenario (any thread).</summary>
    public static void Add(long count = 1) => Interlocked.Add(ref _done, count);

    /// <summary>Starts reporting on a scenario; dispose to stop. One scenario runs at a time.</summary>
    /// <param name="what">The scenario, e.g. <c>rx publish json</c>.</param>
    /// <param name="expected">How many it will count, or null when it does not count.</param>
    /// <param name="every">How often to print.</param>
    public static IDisposable Track(string what, long? expected, TimeSpan every)
    {
        Interlocked.Exchange(ref _done, 0);
        var clock = Stopwatch.StartNew();
        return new Timer(_ => Console.Error.WriteLine(Line(what, expected, Interlocked.Read(ref _done), clock.Elapsed)), null, every, every);
    }

    internal static string Line(string what, long? expected, long done, TimeSpan elapsed)
    {
        var time = DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        if (expected is not { } total)
        {
            return string.Create(CultureInfo.InvariantCulture, $"[e2e {time}]   ... {what}: running for {elapsed.TotalSeconds:0} s");
        }

        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var percent = total > 0 ? 100.0 * done / total : 0;
        return string.Create(CultureInfo.InvariantCulture, $"[e2e {time}]   ... {what}: {done:#,0}/{total:#,0} ({percent:0}%), {rate:#,0}/s, {elapsed.TotalSeconds:0} s");
    }
}
