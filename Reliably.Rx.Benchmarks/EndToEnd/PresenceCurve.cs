using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// The presence-members curve (<c>e2e --scenarios presence --presence-members 10,100,1000,10000</c>): for each N, one
/// client enters N members on behalf of N clientIds (a key without a clientId may, RTP15), then a new subscriber's
/// attach and SYNC are timed to completion (RTP18, RTP11c1), the heap it gained is divided by N, and one change at a
/// time (ENTER, UPDATE, LEAVE of one more member) is timed from the call to its delivery on the subscriber, with N
/// present. Reliably.Rx runs in this process (with the emulator: its heap and CPU figures include the emulator's share);
/// ably-js runs the same steps in node (<c>e2e/ablyjs-bench.js</c>, scenario <c>presence</c>).
/// </summary>
internal static class PresenceCurve
{
    /// <summary>Changes timed per point (each an ENTER, UPDATE and LEAVE: three deliveries).</summary>
    public const int ChangeCycles = 100;

    /// <summary>Members entered with at most this many unacknowledged.</summary>
    private const int EnterWindow = 500;

    /// <summary>One point of the curve on one side.</summary>
    internal sealed record Point(string Side, string Format, int Members, double? EnterSeconds, double? SyncMs, double? HeapPerMember,
        double? ChangeP50Ms, double? ChangeMeanMs, double? CpuPerChangeUs, string? Problem);

    public static async Task<List<Point>> RunAsync(int port, string key, E2eSettings settings)
    {
        var points = new List<Point>();
        foreach (var format in settings.Formats)
        {
            if (settings.Sides.Contains("rx"))
            {
                foreach (var members in settings.PresenceMembers)
                {
                    using var cts = new CancellationTokenSource(settings.ScenarioTimeout);
                    Point point;
                    try
                    {
                        point = await RxPointAsync(port, key, format, members, cts.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or AblyException)
                    {
                        point = new Point("rx", format, members, null, null, null, null, null, null, ex.GetType().Name + ": " + ex.Message);
                    }

                    Log(Describe(point));
                    points.Add(point);
                }
            }

            if (settings.Sides.Contains("js"))
            {
                var js = await AblyJsRunner.RunPresenceAsync(port, key, format, settings).ConfigureAwait(false);
                foreach (var point in js)
                {
                    Log(Describe(point));
                }

                points.AddRange(js);
            }
        }

        return points;
    }

    /// <summary>The curve as a markdown table, one row per side, format and N.</summary>
    public static string Render(IReadOnlyList<Point> points)
    {
        var text = new StringBuilder();
        text.AppendLine("Presence members (one enterer, one new subscriber; change = ENTER/UPDATE/LEAVE call to delivery, one at a time)");
        text.AppendLine();
        text.AppendLine("| side | format | members | enter all (s) | attach + SYNC (ms) | heap per member (B) | change p50 (ms) | change mean (ms) | CPU per change (µs) | note |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var p in points)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Side} | {p.Format} | {p.Members:N0} | {F(p.EnterSeconds, "0.00")} | {F(p.SyncMs, "0.0")} | {F(p.HeapPerMember, "0")} | {F(p.ChangeP50Ms, "0.00")} | {F(p.ChangeMeanMs, "0.00")} | {F(p.CpuPerChangeUs, "0")} | {p.Problem} |");
        }

        return text.ToString();
    }

    private static async Task<Point> RxPointAsync(int port, string key, string format, int members, CancellationToken cancellationToken)
    {
        var channelName = $"bench-presence-{Guid.NewGuid():N}-{format}-{members}";
        await using var enterer = new AblyRealtime(RxScenarios.Options(port, key, format));
        await enterer.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        var presence = enterer.Channels.Get(channelName).Presence;
        var enterStarted = Stopwatch.GetTimestamp();
        using (var window = new SemaphoreSlim(EnterWindow, EnterWindow))
        {
            var pending = new List<Task>(members);
            for (var i = 0; i < members; i++)
            {
                await window.WaitAsync(cancellationToken).ConfigureAwait(false);
                pending.Add(presence.EnterClientAsync("member-" + i.ToString(CultureInfo.InvariantCulture), "present", cancellationToken)
                    .ContinueWith(_ => window.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }

        var enterSeconds = Seconds(enterStarted);

        await using var subscriber = new AblyRealtime(RxScenarios.Options(port, key, format));
        await subscriber.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        var watched = subscriber.Channels.Get(channelName).Presence;
        var heapBefore = SettledHeap();
        var syncStarted = Stopwatch.GetTimestamp();
        var present = await watched.GetAsync(waitForSync: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        var syncMs = Seconds(syncStarted) * 1000;
        var heapPerMember = (SettledHeap() - heapBefore) / (double)members;
        if (present.Count != members)
        {
            return new Point("rx", format, members, enterSeconds, syncMs, heapPerMember, null, null, null, $"SYNC gave {present.Count} members, not {members}");
        }

        // One change at a time: the call, then its delivery to the subscriber.
        var latencies = new List<double>(3 * ChangeCycles);
        TaskCompletionSource? delivered = null;
        using var events = watched.Events.Subscribe(m =>
        {
            if (m.ClientId is { } id && id.StartsWith("change-", StringComparison.Ordinal))
            {
                delivered?.TrySetResult();
            }
        });
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        for (var c = 0; c < ChangeCycles; c++)
        {
            var clientId = "change-" + c.ToString(CultureInfo.InvariantCulture);
            foreach (var step in new Func<Task>[]
            {
                () => presence.EnterClientAsync(clientId, "in", cancellationToken),
                () => presence.UpdateClientAsync(clientId, "updated", cancellationToken),
                () => presence.LeaveClientAsync(clientId, null, cancellationToken),
            })
            {
                delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var t0 = Stopwatch.GetTimestamp();
                await step().ConfigureAwait(false);
                await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                latencies.Add(Seconds(t0) * 1000);
            }
        }

        self.Refresh();
        var cpuPerChange = (self.TotalProcessorTime - cpu0).TotalMicroseconds / latencies.Count;
        latencies.Sort();
        return new Point("rx", format, members, enterSeconds, syncMs, heapPerMember, latencies[latencies.Count / 2], latencies.Average(), cpuPerChange, null);
    }

    /// <summary>Reads the points node printed for the presence scenario.</summary>
    public static List<Point> FromJs(string format, JsonElement element)
    {
        double? D(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        var points = new List<Point>();
        if (!element.TryGetProperty("points", out var list))
        {
            var problem = element.TryGetProperty("timeout", out _) ? "timed out" : element.TryGetProperty("error", out var e) ? e.GetString() : "not reported";
            points.Add(new Point("js", format, 0, null, null, null, null, null, null, problem));
            return points;
        }

        foreach (var p in list.EnumerateArray())
        {
            points.Add(new Point("js", format, (int)(D(p, "members") ?? 0), D(p, "enterSeconds"), D(p, "syncMs"), D(p, "heapPerMember"),
                D(p, "changeP50Ms"), D(p, "changeMeanMs"), D(p, "cpuPerChangeUs"), p.TryGetProperty("error", out var error) ? error.GetString() : null));
        }

        return points;
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Seconds(long since) => (Stopwatch.GetTimestamp() - since) / (double)Stopwatch.Frequency;

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Describe(Point p) =>
        $"presence {p.Side} {p.Format} {p.Members}: enter {F(p.EnterSeconds, "0.00")} s, attach+SYNC {F(p.SyncMs, "0.0")} ms, heap/member {F(p.HeapPerMember, "0")} B, " +
        $"change p50 {F(p.ChangeP50Ms, "0.00")} ms, mean {F(p.ChangeMeanMs, "0.00")} ms, CPU/change {F(p.CpuPerChangeUs, "0")} µs {p.Problem}";

    private static void Log(string line) =>
        Console.Error.WriteLine($"[e2e {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {line}");
}
