using System.Globalization;
using System.Text;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>The single comparison table (markdown, so it can be pasted into docs/benchmarks.md as it is).</summary>
internal static class ResultTable
{
    private sealed record Row(string Scenario, string Label, string Unit, bool HigherIsBetter, Func<ScenarioResult, double?> Value, bool HasCeiling);

    private static readonly Row[] Rows =
    [
        new("publish", "1 publish throughput", "msg/s", true, r => r.Rate, true),
        new("publish", "1 publish ACK latency p50", "ms", false, r => r.P50Ms, true),
        new("publish", "1 publish ACK latency p99", "ms", false, r => r.P99Ms, true),
        new("fanout", "2 fan-out delivered", "msg/s", true, r => r.Rate, true),
        new("fanout", "2 fan-out latency p50", "ms", false, r => r.P50Ms, false),
        new("fanout", "2 fan-out latency p99", "ms", false, r => r.P99Ms, false),
        new("fanout", "2 fan-out lost", "messages", false, r => r.Expected is { } e && r.Delivered is { } d ? e - d : null, true),
        new("rest", "3 REST publish (16 callers)", "req/s", true, r => r.Rate, false),
        new("rest", "3 REST publish latency p50", "ms", false, r => r.P50Ms, false),
        new("rest", "3 REST publish latency p99", "ms", false, r => r.P99Ms, false),
        new("memory", "4 memory (working set / rss): N attached channels (delta)", "MB", false, r => r.ChannelsBytes / 1048576.0, false),
        new("memory", "4 memory (working set / rss): per idle connection", "KB", false, r => r.PerConnectionBytes / 1024.0, false),
        new("memory", "4 heap (.NET managed / V8): N attached channels (delta)", "MB", false, r => r.ChannelsHeapBytes / 1048576.0, false),
        new("memory", "4 heap (.NET managed / V8): per idle connection", "KB", false, r => r.PerConnectionHeapBytes / 1024.0, false),
    ];

    public static string Render(IReadOnlyList<(string Format, string Scenario, string Side, ScenarioResult Result)> results, E2eSettings settings)
    {
        ScenarioResult? Find(string format, string scenario, string side) =>
            results.FirstOrDefault(r => r.Format == format && r.Scenario == scenario && r.Side == side).Result;

        var sb = new StringBuilder();
        sb.AppendLine(settings.Repeat > 1
            ? $"Each side: the median of {settings.Repeat} runs by rate (memory: one run){(settings.Warmup ? ", after a warm-up run at a tenth of the size" : "")}."
            : $"Each side: one run{(settings.Warmup ? ", after a warm-up run at a tenth of the size" : "")}.");
        sb.AppendLine();
        // Side rxcws (RealtimeTransport = ClientWebSocket) gets two columns of its own when it ran.
        var cws = settings.Sides.Contains("rxcws");
        sb.AppendLine("| scenario | unit | format | Reliably.Rx | ably-js | ratio Rx/js | better | emulator ceiling (raw WS) |" + (cws ? " Rx over ClientWebSocket | ratio cws/js |" : ""));
        sb.AppendLine("|---|---|---|---:|---:|---:|---|---:|" + (cws ? "---:|---:|" : ""));
        foreach (var row in Rows.Where(r => settings.Scenarios.Contains(r.Scenario)))
        {
            foreach (var format in settings.Formats)
            {
                var rx = Find(format, row.Scenario, "rx");
                var js = Find(format, row.Scenario, "js");
                var raw = row.HasCeiling ? Find(format, row.Scenario, "raw") : null;
                var rxValue = Value(rx, row);
                var jsValue = Value(js, row);
                var name = row.Label.Replace(" N ", $" {settings.MemoryChannels} ", StringComparison.Ordinal);
                sb.Append(CultureInfo.InvariantCulture, $"| {name} | {row.Unit} | {format} | {Cell(rx, rxValue, row)} | {Cell(js, jsValue, row)} | {Ratio(rxValue, jsValue)} | ")
                  .Append(row.HigherIsBetter ? "higher" : "lower")
                  .Append(CultureInfo.InvariantCulture, $" | {(row.HasCeiling ? Cell(raw, Value(raw, row), row) : "")} |");
                if (cws)
                {
                    var plain = Find(format, row.Scenario, "rxcws");
                    var plainValue = Value(plain, row);
                    sb.Append(CultureInfo.InvariantCulture, $" {Cell(plain, plainValue, row)} | {Ratio(plainValue, jsValue)} |");
                }

                sb.AppendLine();
            }
        }

        var problems = results.Where(r => r.Result.Problem is not null).ToList();
        if (problems.Count > 0)
        {
            sb.AppendLine();
            foreach (var (format, scenario, side, result) in problems)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {side} {scenario} {format}: {result.Problem}");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Diagnostics: CPU and allocation of this process (emulator + in-process client) per message, for the in-process
    /// sides. Reliably.Rx minus raw approximates the client's own cost, its WebSocket included (the raw client frames its
    /// own WebSocket on a socket and does almost nothing else).
    /// </summary>
    public static string RenderCost(IReadOnlyList<(string Format, string Scenario, string Side, ScenarioResult Result)> results, E2eSettings settings)
    {
        var sb = new StringBuilder();
        sb.AppendLine("In-process cost per message (this process = emulator + client; memory probe excluded; lower is better).");
        sb.AppendLine("Sides: raw = hand-built frames on a hand-built WebSocket (RawWebSocket); rx = Reliably.Rx; rxcws = Reliably.Rx with RealtimeTransport = ClientWebSocket.");
        sb.AppendLine("Process CPU includes idle spinning of pool and loop threads, so it overstates per-message work when throughput is lower.");
        sb.AppendLine();
        sb.AppendLine("| scenario | format | side | messages | msg/s | CPU µs/msg | allocated B/msg | − raw CPU µs/msg | − raw B/msg |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in new[] { "publish", "fanout" }.Where(settings.Scenarios.Contains))
        {
            foreach (var format in settings.Formats)
            {
                (double Cpu, double Bytes)? rawCost = null;
                foreach (var side in new[] { "raw", "rx", "rxcws" })
                {
                    var r = results.FirstOrDefault(x => x.Format == format && x.Scenario == scenario && x.Side == side).Result;
                    if (r?.Delivered is not > 0 || r.ProcessCpuSeconds is not { } cpu || r.ProcessAllocatedBytes is not { } bytes)
                    {
                        continue;
                    }

                    var n = (double)r.Delivered.Value;
                    var cost = (Cpu: cpu * 1e6 / n, Bytes: bytes / n);
                    var diff = side != "raw" && rawCost is { } raw
                        ? $"{cost.Cpu - raw.Cpu:0.0} | {cost.Bytes - raw.Bytes:#,0}"
                        : " | ";
                    var rate = r.Rate is { } perSecond ? perSecond.ToString("#,0", CultureInfo.InvariantCulture) : "–";
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {format} | {side} | {n:#,0} | {rate} | {cost.Cpu:0.0} | {cost.Bytes:#,0} | {diff} |");
                    if (side == "raw")
                    {
                        rawCost = cost;
                    }
                }
            }
        }

        return sb.ToString();
    }

    private static string Ratio(double? value, double? js) =>
        value is { } a && js is { } b && b != 0 ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static double? Value(ScenarioResult? result, Row row) => result is null ? null : row.Value(result);

    private static string Cell(ScenarioResult? result, double? value, Row row) => (result, value) switch
    {
        (not null, { } count) when row.Unit == "messages" => count.ToString("#,0", CultureInfo.InvariantCulture),
        (null, _) => "not run",
        (_, null) => result.Problem is { } p && p.StartsWith("timed out", StringComparison.Ordinal) ? "TIMEOUT" : "n/a",
        (_, { } v) when v >= 1000 => v.ToString("#,0", CultureInfo.InvariantCulture),
        (_, { } v) when v >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        (_, { } v) => v.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
