using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// Runs <c>e2e/ablyjs-bench.js</c> with node and the pinned ably-js (Reliably.Rx.Emulator.Tests/interop/node_modules,
/// installed with <c>npm ci</c> when missing) and reads its one-line JSON result.
/// </summary>
internal static class AblyJsRunner
{
    public static async Task<Dictionary<string, ScenarioResult>> RunAsync(int port, string key, string format, E2eSettings settings, TimeSpan timeout)
    {
        var (exit, line, stderr) = await RunScriptAsync(port, key, format, settings, timeout).ConfigureAwait(false);
        if (line is null)
        {
            return exit == -1
                ? settings.Scenarios.ToDictionary(s => s, _ => new ScenarioResult { Problem = $"timed out (node killed after {timeout.TotalSeconds:0} s)" })
                : Failed(settings, $"node exited {exit}: {FirstLines(stderr)}");
        }

        using var doc = JsonDocument.Parse(line);
        var results = new Dictionary<string, ScenarioResult>();
        foreach (var scenario in settings.Scenarios)
        {
            results[scenario] = doc.RootElement.TryGetProperty(scenario, out var element) ? Read(scenario, element) : ScenarioResult.Error("not reported");
        }

        return results;
    }

    /// <summary>The presence curve on the ably-js side (<see cref="PresenceCurve"/>): one node run per format.</summary>
    public static async Task<List<PresenceCurve.Point>> RunPresenceAsync(int port, string key, string format, E2eSettings settings)
    {
        var only = settings with { Scenarios = new HashSet<string> { "presence" } };
        var timeout = TimeSpan.FromTicks(settings.ScenarioTimeout.Ticks * (settings.PresenceMembers.Count + 1));
        var (exit, line, stderr) = await RunScriptAsync(port, key, format, only, timeout).ConfigureAwait(false);
        if (line is null)
        {
            return [new PresenceCurve.Point("js", format, 0, null, null, null, null, null, null, exit == -1 ? "node killed after the timeout" : $"node exited {exit}: {FirstLines(stderr)}")];
        }

        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.TryGetProperty("presence", out var element)
            ? PresenceCurve.FromJs(format, element)
            : [new PresenceCurve.Point("js", format, 0, null, null, null, null, null, null, "not reported")];
    }

    /// <summary>Runs the node script for the settings' scenarios; its one-line JSON result, or null.</summary>
    private static async Task<(int ExitCode, string? Line, string Stderr)> RunScriptAsync(int port, string key, string format, E2eSettings settings, TimeSpan timeout)
    {
        var repo = FindRepoRoot();
        var interop = Path.Combine(repo, "Reliably.Rx.Emulator.Tests", "interop");
        var modules = Path.Combine(interop, "node_modules");
        if (!Directory.Exists(Path.Combine(modules, "ably")))
        {
            Console.Error.WriteLine("[e2e] node_modules missing: npm ci in " + interop);
            var (code, _, err) = await RunProcessAsync("npm", ["ci", "--no-audit", "--no-fund"], interop, new Dictionary<string, string>(), TimeSpan.FromMinutes(3)).ConfigureAwait(false);
            if (code != 0)
            {
                return (code, null, "npm ci failed: " + err.Trim());
            }
        }

        var script = Path.Combine(repo, "Reliably.Rx.Benchmarks", "e2e", "ablyjs-bench.js");
        var env = new Dictionary<string, string>
        {
            ["NODE_PATH"] = modules,
            ["EMULATOR_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["EMULATOR_KEY"] = key,
            ["BENCH_FORMAT"] = format,
            ["BENCH_SCENARIOS"] = string.Join(',', settings.Scenarios),
            ["BENCH_PUBLISH_N"] = settings.PublishMessages.ToString(CultureInfo.InvariantCulture),
            ["BENCH_WINDOW"] = settings.Window.ToString(CultureInfo.InvariantCulture),
            ["BENCH_FANOUT_N"] = settings.FanoutMessages.ToString(CultureInfo.InvariantCulture),
            ["BENCH_FANOUT_SUBSCRIBERS"] = settings.FanoutSubscribers.ToString(CultureInfo.InvariantCulture),
            ["BENCH_REST_N"] = settings.RestRequests.ToString(CultureInfo.InvariantCulture),
            ["BENCH_REST_CONCURRENCY"] = settings.RestConcurrency.ToString(CultureInfo.InvariantCulture),
            ["BENCH_MEM_CHANNELS"] = settings.MemoryChannels.ToString(CultureInfo.InvariantCulture),
            ["BENCH_MEM_CONNECTIONS"] = settings.MemoryConnections.ToString(CultureInfo.InvariantCulture),
            ["BENCH_PRESENCE_MEMBERS"] = string.Join(',', settings.PresenceMembers),
            ["BENCH_PRESENCE_CHANGES"] = PresenceCurve.ChangeCycles.ToString(CultureInfo.InvariantCulture),
            ["BENCH_WARMUP"] = settings.Warmup ? "1" : "0",
            ["BENCH_SCENARIO_TIMEOUT_MS"] = ((long)settings.ScenarioTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        };
        var (exit, stdout, stderr) = await RunProcessAsync("node", ["--expose-gc", script], repo, env, timeout).ConfigureAwait(false);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        return (exit, line, stderr);
    }

    private static ScenarioResult Read(string scenario, JsonElement e)
    {
        double? D(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        long? L(string name) => D(name) is { } d ? (long)d : null;
        if (e.TryGetProperty("timeout", out _))
        {
            return new ScenarioResult { Problem = "timed out" };
        }

        if (e.TryGetProperty("error", out var error))
        {
            return ScenarioResult.Error(error.GetString() ?? "?");
        }

        return scenario switch
        {
            "publish" => new ScenarioResult { Rate = D("rate"), P50Ms = D("p50Ms"), P99Ms = D("p99Ms"), Expected = L("messages"), Delivered = L("acked"), Failed = L("failed"), Seconds = D("seconds") },
            "fanout" => new ScenarioResult
            {
                Rate = D("rate"), P50Ms = D("p50Ms"), P99Ms = D("p99Ms"), Expected = L("expected"), Delivered = L("delivered"), Failed = L("failed"), Seconds = D("seconds"),
                Problem = L("lost") is > 0 and var lost ? $"lost {lost} of {L("expected")}" : null,
            },
            "rest" => new ScenarioResult { Rate = D("rate"), P50Ms = D("p50Ms"), P99Ms = D("p99Ms"), Expected = L("requests"), Delivered = L("ok"), Failed = L("failed"), Seconds = D("seconds") },
            "memory" => new ScenarioResult
            {
                ChannelsBytes = D("channelsDelta"), PerConnectionBytes = D("perConnection"),
                ChannelsHeapBytes = D("channelsHeapDelta"), PerConnectionHeapBytes = D("perConnectionHeap"),
            },
            _ => ScenarioResult.Error("unknown scenario"),
        };
    }

    private static string FirstLines(string text) => string.Join(" / ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3)).Trim();

    private static Dictionary<string, ScenarioResult> Failed(E2eSettings settings, string why) =>
        settings.Scenarios.ToDictionary(s => s, _ => ScenarioResult.Error(why));

    /// <summary>Runs a process with a hard timeout (killed then, exit code -1).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(
        string file, IEnumerable<string> args, string workingDirectory, IDictionary<string, string> env, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (-1, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the e2e harness from inside the repository (Reliably.Rx.sln not found).");
    }
}
