using System.Diagnostics;
using System.Globalization;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// The end-to-end harness (<c>e2e [--quick]</c>): starts the emulator once, in this process, then per wire format runs
/// the scenarios with Reliably.Rx (in this process), with raw WebSockets (the emulator's ceiling) and with ably-js (a
/// node child process), and prints one comparison table. Every scenario is bounded by a timeout and reported as timed
/// out rather than hanging.
/// </summary>
internal static class EndToEndHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (parsed, exitCode) = E2eCommandLine.Parse(args);
        if (parsed is not { } settings)
        {
            return exitCode;
        }

        var total = Stopwatch.StartNew();
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions
        {
            Port = 0,
            FrameLogLimit = 0,
            ChannelHistoryLimit = 1_000,
        }).ConfigureAwait(false);
        Log($"emulator on 127.0.0.1:{emulator.Port}; {(settings.Quick ? "QUICK (~1/10 size)" : "full size")}; " +
            $"publish {settings.PublishMessages}, fan-out {settings.FanoutMessages} x {settings.FanoutSubscribers}, " +
            $"REST {settings.RestRequests} x {settings.RestConcurrency} callers, memory {settings.MemoryChannels} channels / {settings.MemoryConnections} connections");

        var rx = new RxScenarios(emulator.Port, emulator.DefaultKey, settings);
        var raw = new RawCeilingScenarios(emulator.Port, emulator.DefaultKey, settings);
        var warmup = settings.ForWarmup();
        var rxWarm = new RxScenarios(emulator.Port, emulator.DefaultKey, warmup);
        var rawWarm = new RawCeilingScenarios(emulator.Port, emulator.DefaultKey, warmup);
        var cws = new RxScenarios(emulator.Port, emulator.DefaultKey, settings, RealtimeTransportKind.ClientWebSocket);
        var cwsWarm = new RxScenarios(emulator.Port, emulator.DefaultKey, warmup, RealtimeTransportKind.ClientWebSocket);

        var runs = new Dictionary<(string Format, string Scenario, string Side), List<ScenarioResult>>();
        void Record(string format, string scenario, string side, ScenarioResult result)
        {
            if (!runs.TryGetValue((format, scenario, side), out var list))
            {
                runs[(format, scenario, side)] = list = new List<ScenarioResult>();
            }

            list.Add(result);
        }

        foreach (var format in settings.Formats)
        {
            // Repeats interleave the sides (rx, raw, js, rx, raw, js, ...) so a noisy moment does not land on one side only.
            for (var round = 1; round <= settings.Repeat; round++)
            {
                var first = round == 1;
                var tag = settings.Repeat > 1 ? $" [run {round}/{settings.Repeat}]" : "";
                if (settings.Sides.Contains("rx"))
                {
                    foreach (var scenario in Ordered(settings).Where(s => first || s != "memory"))
                    {
                        if (first && scenario is not "memory")
                        {
                            await WarmUp(settings, $"rx {scenario} {format}", Expected(warmup, scenario), ct => scenario switch
                            {
                                "publish" => rxWarm.PublishAsync(format, ct),
                                "fanout" => rxWarm.FanoutAsync(format, ct),
                                _ => rxWarm.RestAsync(format, ct),
                            }).ConfigureAwait(false);
                        }

                        var result = await Bounded($"rx {scenario} {format}{tag}", settings.ScenarioTimeout, Expected(settings, scenario), ct => scenario switch
                        {
                            "publish" => rx.PublishAsync(format, ct),
                            "fanout" => rx.FanoutAsync(format, ct),
                            "rest" => rx.RestAsync(format, ct),
                            "memory" => RxMemoryProbe.RunAsync(emulator.Port, emulator.DefaultKey, format, settings, RealtimeTransportKind.WebsocketClient, ct),
                            _ => Task.FromResult(ScenarioResult.Error("unknown")),
                        }).ConfigureAwait(false);
                        Record(format, scenario, "rx", result);
                    }
                }

                if (settings.Sides.Contains("rxcws"))
                {
                    // The same client with RealtimeTransport = ClientWebSocket (the opt-in transport, not Websocket.Client).
                    foreach (var scenario in Ordered(settings).Where(s => s is "publish" or "fanout" || (first && s is "memory")))
                    {
                        if (first && scenario is not "memory")
                        {
                            await WarmUp(settings, $"rx+ClientWebSocket {scenario} {format}", Expected(warmup, scenario), ct => scenario == "publish"
                                ? cwsWarm.PublishAsync(format, ct)
                                : cwsWarm.FanoutAsync(format, ct)).ConfigureAwait(false);
                        }

                        var result = await Bounded($"rx+ClientWebSocket {scenario} {format}{tag}", settings.ScenarioTimeout, Expected(settings, scenario), ct => scenario switch
                        {
                            "publish" => cws.PublishAsync(format, ct),
                            "fanout" => cws.FanoutAsync(format, ct),
                            _ => RxMemoryProbe.RunAsync(emulator.Port, emulator.DefaultKey, format, settings, RealtimeTransportKind.ClientWebSocket, ct),
                        }).ConfigureAwait(false);
                        Record(format, scenario, "rxcws", result);
                    }
                }

                if (settings.Sides.Contains("raw"))
                {
                    foreach (var scenario in Ordered(settings).Where(s => s is "publish" or "fanout"))
                    {
                        if (first)
                        {
                            await WarmUp(settings, $"raw {scenario} {format}", Expected(warmup, scenario), ct => scenario == "publish"
                                ? rawWarm.PublishAsync(format, ct)
                                : rawWarm.FanoutAsync(format, ct)).ConfigureAwait(false);
                        }

                        var result = await Bounded($"raw {scenario} {format}{tag}", settings.ScenarioTimeout, Expected(settings, scenario), ct => scenario == "publish"
                            ? raw.PublishAsync(format, ct)
                            : raw.FanoutAsync(format, ct)).ConfigureAwait(false);
                        Record(format, scenario, "raw", result);
                    }
                }

                // Every node run warms up on its own; memory is measured in the first run only; presence runs on its own below.
                var jsSettings = settings with { Scenarios = settings.Scenarios.Where(s => s != "presence" && (first || s != "memory")).ToHashSet() };
                if (settings.Sides.Contains("js") && jsSettings.Scenarios.Count > 0)
                {
                    Log($"js {format}{tag}: node ablyjs-bench.js ({string.Join(',', Ordered(jsSettings))})");
                    // Each scenario has its own timeout inside the script; this is the backstop (node is killed after it).
                    var budget = TimeSpan.FromTicks(settings.ScenarioTimeout.Ticks * (2 * Ordered(jsSettings).Count() + 1)) + TimeSpan.FromSeconds(20);
                    Dictionary<string, ScenarioResult> js;
                    using (E2eProgress.Track($"js {format}{tag} (node reports at its end)", null, ProgressInterval))
                    {
                        js = await AblyJsRunner.RunAsync(emulator.Port, emulator.DefaultKey, format, jsSettings, budget).ConfigureAwait(false);
                    }

                    foreach (var (scenario, result) in js)
                    {
                        Log($"js {scenario} {format}{tag}: {Describe(result)}");
                        Record(format, scenario, "js", result);
                    }
                }
            }
        }

        // The presence curve is a table of its own (rx and js sides; raw has no presence client).
        var presence = settings.Scenarios.Contains("presence")
            ? PresenceCurve.Render(await PresenceCurve.RunAsync(emulator.Port, emulator.DefaultKey, settings).ConfigureAwait(false))
            : null;

        var results = runs.Select(r => (r.Key.Format, r.Key.Scenario, r.Key.Side, Median(r.Value))).ToList();
        if (settings.Repeat > 1)
        {
            foreach (var ((format, scenario, side), list) in runs.Where(r => r.Value.Count > 1))
            {
                Log($"{side} {scenario} {format}: rates of the {list.Count} runs {string.Join(" / ", list.Select(r => r.Rate is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-"))}; the median run is tabled");
            }
        }

        var report = string.Join(Environment.NewLine, ResultTable.Render(results, settings), ResultTable.RenderCost(results, settings), presence ?? string.Empty,
            $"Total {total.Elapsed.TotalSeconds:0} s; {(settings.Quick ? "--quick" : "full size")}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        Console.WriteLine();
        Console.WriteLine(report);

        // The table and the charts side by side in one folder, so a run can be kept or compared as a whole.
        Directory.CreateDirectory(settings.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "e2e-results.md"), report).ConfigureAwait(false);
        foreach (var chart in ResultCharts.Write(results, settings, settings.OutputDirectory))
        {
            Log("chart " + Path.GetFullPath(chart));
        }

        Log("table " + Path.GetFullPath(Path.Combine(settings.OutputDirectory, "e2e-results.md")));
        return 0;
    }

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(3);

    /// <summary>What a scenario counts for its progress line: messages acknowledged or delivered, requests made.</summary>
    private static long? Expected(E2eSettings settings, string scenario) => scenario switch
    {
        "publish" => settings.PublishMessages,
        "fanout" => (long)settings.FanoutMessages * settings.FanoutSubscribers,
        "rest" => settings.RestRequests,
        _ => null,
    };

    private static IEnumerable<string> Ordered(E2eSettings settings) =>
        new[] { "publish", "fanout", "rest", "memory" }.Where(settings.Scenarios.Contains);

    /// <summary>The run with the median rate (all of a side's figures come from that one run); the first when none has a rate.</summary>
    private static ScenarioResult Median(List<ScenarioResult> results)
    {
        var rated = results.Where(r => r.Rate is not null).OrderBy(r => r.Rate).ToList();
        return rated.Count == 0 ? results[0] : rated[(rated.Count - 1) / 2];
    }

    /// <summary>Runs the warm-up size of a scenario and discards its result (logged, never tabled).</summary>
    private static async Task WarmUp(E2eSettings settings, string what, long? expected, Func<CancellationToken, Task<ScenarioResult>> run)
    {
        if (settings.Warmup)
        {
            await Bounded(what + " (warm-up)", settings.ScenarioTimeout, expected, run).ConfigureAwait(false);
        }
    }

    private static async Task<ScenarioResult> Bounded(string what, TimeSpan timeout, long? expected, Func<CancellationToken, Task<ScenarioResult>> run)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var progress = E2eProgress.Track(what, expected, ProgressInterval);
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);

        // PROBE_ALLOCATIONS=1: which types the whole process (emulator and clients) allocates per delivered message, sampled.
        using var sampler = Environment.GetEnvironmentVariable("PROBE_ALLOCATIONS") == "1" ? new Pipeline.AllocationSampler() : null;
        var started = Stopwatch.StartNew();
        ScenarioResult result;
        try
        {
            // WaitAsync also bounds a scenario that ignores its token.
            result = await run(cts.Token).WaitAsync(timeout + TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            result = ScenarioResult.TimedOut(timeout);
        }
        catch (Exception ex)
        {
            result = ScenarioResult.Error($"{ex.GetType().Name}: {ex.Message}");
        }

        self.Refresh();
        result = result with
        {
            ProcessCpuSeconds = (self.TotalProcessorTime - cpu0).TotalSeconds,
            ProcessAllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - alloc0,
        };
        Log($"{what}: {Describe(result)} ({started.Elapsed.TotalSeconds:0.0} s)");
        if (sampler is not null && result.Delivered is > 0 && result.ProcessAllocatedBytes is { } allocated)
        {
            sampler.Print(30, (double)allocated / result.Delivered.Value, "delivered message");
        }

        await Task.Delay(300).ConfigureAwait(false);
        return result;
    }

    private static string Describe(ScenarioResult r) =>
        r.Problem is { } p && r.Rate is null && r.ChannelsBytes is null
            ? p
            : string.Join(", ", new[]
            {
                r.Rate is { } rate ? $"{rate:0}/s" : null,
                r.P50Ms is { } p50 ? $"p50 {p50:0.00} ms" : null,
                r.P99Ms is { } p99 ? $"p99 {p99:0.00} ms" : null,
                r.Delivered is { } d ? $"{d}/{r.Expected}" : null,
                r.ChannelsBytes is { } c ? $"channels {c / 1048576:0.0} MB" : null,
                r.PerConnectionBytes is { } pc ? $"per connection {pc / 1024:0} KB" : null,
                r.Problem,
            }.Where(s => s is not null));

    private static void Log(string line) =>
        Console.Error.WriteLine($"[e2e {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {line}");
}
