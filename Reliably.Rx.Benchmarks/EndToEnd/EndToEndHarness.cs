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
        E2eSettings settings;
        try
        {
            settings = E2eSettings.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
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
        var results = new List<(string Format, string Scenario, string Side, ScenarioResult Result)>();

        foreach (var format in settings.Formats)
        {
            if (settings.Sides.Contains("rx"))
            {
                foreach (var scenario in Ordered(settings))
                {
                    var result = await Bounded($"rx {scenario} {format}", settings.ScenarioTimeout, ct => scenario switch
                    {
                        "publish" => rx.PublishAsync(format, ct),
                        "fanout" => rx.FanoutAsync(format, ct),
                        "rest" => rx.RestAsync(format, ct),
                        "memory" => RxMemoryProbe.RunAsync(emulator.Port, emulator.DefaultKey, format, settings, ct),
                        _ => Task.FromResult(ScenarioResult.Error("unknown")),
                    }).ConfigureAwait(false);
                    results.Add((format, scenario, "rx", result));
                }
            }

            if (settings.Sides.Contains("rxcws"))
            {
                // Experiment: the same client over a plain ClientWebSocket transport (not Websocket.Client).
                var cws = new RxScenarios(emulator.Port, emulator.DefaultKey, settings, new ClientWebSocketTransportFactory());
                foreach (var scenario in Ordered(settings).Where(s => s is "publish" or "fanout"))
                {
                    var result = await Bounded($"rx+ClientWebSocket {scenario} {format}", settings.ScenarioTimeout, ct => scenario == "publish"
                        ? cws.PublishAsync(format, ct)
                        : cws.FanoutAsync(format, ct)).ConfigureAwait(false);
                    results.Add((format, scenario, "rxcws", result));
                }
            }

            if (settings.Sides.Contains("raw"))
            {
                foreach (var scenario in Ordered(settings).Where(s => s is "publish" or "fanout"))
                {
                    var result = await Bounded($"raw {scenario} {format}", settings.ScenarioTimeout, ct => scenario == "publish"
                        ? raw.PublishAsync(format, ct)
                        : raw.FanoutAsync(format, ct)).ConfigureAwait(false);
                    results.Add((format, scenario, "raw", result));
                }
            }

            if (settings.Sides.Contains("js"))
            {
                Log($"js {format}: node ablyjs-bench.js ({string.Join(',', Ordered(settings))})");
                // Each scenario has its own timeout inside the script; this is the backstop (node is killed after it).
                var budget = TimeSpan.FromTicks(settings.ScenarioTimeout.Ticks * (Ordered(settings).Count() + 1)) + TimeSpan.FromSeconds(20);
                var js = await AblyJsRunner.RunAsync(emulator.Port, emulator.DefaultKey, format, settings, budget).ConfigureAwait(false);
                foreach (var (scenario, result) in js)
                {
                    Log($"js {scenario} {format}: {Describe(result)}");
                    results.Add((format, scenario, "js", result));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(results, settings));
        Console.WriteLine(ResultTable.RenderCost(results, settings));
        Console.WriteLine();
        Console.WriteLine($"Total {total.Elapsed.TotalSeconds:0} s; {(settings.Quick ? "--quick" : "full size")}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        return 0;
    }

    private static IEnumerable<string> Ordered(E2eSettings settings) =>
        new[] { "publish", "fanout", "rest", "memory" }.Where(settings.Scenarios.Contains);

    private static async Task<ScenarioResult> Bounded(string what, TimeSpan timeout, Func<CancellationToken, Task<ScenarioResult>> run)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
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
