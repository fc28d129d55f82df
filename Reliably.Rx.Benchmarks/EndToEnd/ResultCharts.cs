using System.Globalization;
using ScottPlot;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// The comparison as pictures, one PNG per scenario written beside the table: on the left the rate per wire format
/// (Reliably.Rx, ably-js and, where measured, the emulator's raw-WebSocket ceiling), on the right the latency
/// percentiles p50 and p99 per wire format (Reliably.Rx and ably-js). Missing figures (timed out, not run) are left out.
/// </summary>
internal static class ResultCharts
{
    private static readonly (string Side, string Label, Color Color)[] RateSides =
    [
        ("rx", "Reliably.Rx", Color.FromHex("#1f77b4")),
        ("js", "ably-js", Color.FromHex("#ff7f0e")),
        ("raw", "emulator ceiling (raw WebSocket)", Color.FromHex("#9e9e9e")),
    ];

    private static readonly (string Scenario, string Title, string RateUnit, string LatencyTitle)[] Scenarios =
    [
        ("publish", "1 publish, one connection", "messages/s", "ACK latency"),
        ("fanout", "2 fan-out to subscribers", "messages delivered/s", "send-to-receive latency"),
        ("rest", "3 REST publish, concurrent callers", "requests/s", "request latency"),
    ];

    /// <summary>Writes <c>e2e-{scenario}.png</c> for each scenario that has figures; returns the files written.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<(string Format, string Scenario, string Side, ScenarioResult Result)> results, E2eSettings settings, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var (scenario, title, unit, latencyTitle) in Scenarios.Where(s => settings.Scenarios.Contains(s.Scenario)))
        {
            ScenarioResult? Find(string format, string side) =>
                results.FirstOrDefault(r => r.Format == format && r.Scenario == scenario && r.Side == side).Result;

            var rate = Bars(
                settings.Formats.Select(f => (f, RateSides.Select(s => (s.Label, s.Color, Find(f, s.Side)?.Rate)).ToArray())).ToArray(),
                $"{title}: rate (higher is better)", unit, Caption(settings));
            var latency = Bars(
                settings.Formats.SelectMany(f => new[]
                {
                    ($"{f} p50", RateSides.Take(2).Select(s => (s.Label, s.Color, Find(f, s.Side)?.P50Ms)).ToArray()),
                    ($"{f} p99", RateSides.Take(2).Select(s => (s.Label, s.Color, Find(f, s.Side)?.P99Ms)).ToArray()),
                }).ToArray(),
                $"{title}: {latencyTitle} (lower is better)", "milliseconds", "wire format and percentile");
            if (rate is null && latency is null)
            {
                continue;
            }

            var multiplot = new Multiplot(rate ?? new Plot());
            multiplot.AddPlot(latency ?? new Plot());
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
            var path = Path.Combine(folder, $"e2e-{scenario}.png");
            multiplot.SavePng(path, 1400, 560);
            written.Add(path);
        }

        return written;
    }

    /// <summary>A grouped bar chart: one group per category, one bar per series, value labels on the bars.</summary>
    private static Plot? Bars((string Category, (string Series, Color Color, double? Value)[] Bars)[] groups, string title, string unit, string caption)
    {
        if (groups.All(g => g.Bars.All(b => b.Value is null)))
        {
            return null;
        }

        var plot = new Plot();
        var series = groups.SelectMany(g => g.Bars.Where(b => b.Value is not null).Select(b => (b.Series, b.Color))).Distinct().ToList();
        var width = 0.8 / Math.Max(1, series.Count);
        var bars = new List<Bar>();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var g = 0; g < groups.Length; g++)
        {
            ticks.AddMajor(g, groups[g].Category);
            foreach (var (name, color, value) in groups[g].Bars)
            {
                var index = series.FindIndex(s => s.Series == name);
                if (value is not { } v || index < 0)
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = g - 0.4 + width * (index + 0.5),
                    Value = v,
                    Size = width * 0.92,
                    FillColor = color,
                    LineWidth = 0,
                    Label = Format(v),
                    CenterLabel = false,
                });
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0, top: 0.18);
        plot.Title(title, size: 14);
        plot.YLabel(unit);
        plot.XLabel(caption, size: 12);
        foreach (var (name, color) in series)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = color });
        }

        // Below the axes, so that it never hides a bar or its label.
        plot.ShowLegend(Edge.Bottom);

        return plot;
    }

    private static string Caption(E2eSettings settings) => string.Create(CultureInfo.InvariantCulture,
        $"wire format; {(settings.Quick ? "quick (1/10 size)" : "full size")}, {(settings.Repeat > 1 ? $"median of {settings.Repeat} runs" : "one run")}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
