using System.CommandLine;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>The <c>e2e</c> command line (System.CommandLine): help, validation and errors come from there.</summary>
internal static class E2eCommandLine
{
    private static readonly Option<bool> Quick = new("--quick") { Description = "About a tenth of the sizes, one run per side (a smoke test, not for figures)" };
    private static readonly Option<string[]> Formats = List("--formats", "Wire formats", "json", "msgpack");
    private static readonly Option<string[]> Sides = List("--sides", "Sides: rx, raw (the emulator's ceiling), js (ably-js); rxcws (Reliably.Rx with RealtimeTransport = ClientWebSocket) runs only when named", "rx", "raw", "js", "rxcws");
    private static readonly Option<string[]> Scenarios = List("--scenarios", "Scenarios; presence (the presence-members curve) runs only when named", "publish", "fanout", "rest", "memory", "presence");
    private static readonly Option<int?> PublishN = Positive("--publish-n", "Messages in the publish scenario (default 50000)");
    private static readonly Option<int?> FanoutN = Positive("--fanout-n", "Messages in the fan-out scenario, each to every subscriber (default 20000)");
    private static readonly Option<int?> MemoryChannels = Positive("--memory-channels", "Channels attached on one connection in the memory scenario (default 1000)");
    private static readonly Option<int?> MemoryConnections = Positive("--memory-connections", "Idle connections opened in the memory scenario, at least 2 (default 50)");
    private static readonly Option<string?> PresenceMembers = new("--presence-members") { Description = "Members entered at each point of the presence curve, comma-separated (default 10,100,1000,10000)", HelpName = "list" };
    private static readonly Option<int?> Repeat = Positive("--repeat", "Measured runs per scenario and side; the median run is tabled (default 3, 1 with --quick)");
    private static readonly Option<double?> Timeout = new("--timeout") { Description = "Seconds before a scenario is reported as timed out (default 90, 45 with --quick)", HelpName = "seconds" };
    private static readonly Option<bool> NoWarmup = new("--no-warmup") { Description = "Skip the warm-up run at a tenth of the size" };
    private static readonly Option<string?> Out = new("--out") { Description = "Folder for e2e-results.md and the charts (default BenchmarkDotNet.Artifacts/e2e)", HelpName = "folder" };

    /// <summary>Parses the arguments after <c>e2e</c>; null with the errors printed (exit code 2), or help printed (exit code 0).</summary>
    public static (E2eSettings? Settings, int ExitCode) Parse(string[] args)
    {
        var command = new Command("e2e", "Reliably.Rx vs ably-js (and raw WebSockets) against the embedded emulator; prints a table and writes charts.")
        {
            new System.CommandLine.Help.HelpOption(), Quick, Formats, Sides, Scenarios, PublishN, FanoutN, MemoryChannels, MemoryConnections, PresenceMembers, Repeat, Timeout, NoWarmup, Out,
        };
        var result = command.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine("error: " + error.Message);
            }

            Console.Error.WriteLine("Run 'e2e --help' for the options.");
            return (null, 2);
        }

        if (result.Action is System.CommandLine.Help.HelpAction)
        {
            result.Invoke();
            return (null, 0);
        }

        var settings = new E2eSettings();
        if (result.GetValue(Quick))
        {
            settings = settings.AsQuick();
        }

        settings = settings with
        {
            Formats = result.GetValue(Formats) is { Length: > 0 } formats ? formats : settings.Formats,
            Sides = result.GetValue(Sides) is { Length: > 0 } sides ? sides.ToHashSet() : settings.Sides,
            Scenarios = result.GetValue(Scenarios) is { Length: > 0 } scenarios ? scenarios.ToHashSet() : settings.Scenarios,
            PublishMessages = result.GetValue(PublishN) ?? settings.PublishMessages,
            FanoutMessages = result.GetValue(FanoutN) ?? settings.FanoutMessages,
            MemoryChannels = result.GetValue(MemoryChannels) ?? settings.MemoryChannels,
            MemoryConnections = Math.Max(2, result.GetValue(MemoryConnections) ?? settings.MemoryConnections),
            PresenceMembers = result.GetValue(PresenceMembers) is { } members
                ? members.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => Math.Max(1, int.Parse(m, System.Globalization.CultureInfo.InvariantCulture))).ToList()
                : settings.PresenceMembers,
            Repeat = result.GetValue(Repeat) ?? settings.Repeat,
            ScenarioTimeout = result.GetValue(Timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.ScenarioTimeout,
            Warmup = !result.GetValue(NoWarmup),
            OutputDirectory = result.GetValue(Out) ?? settings.OutputDirectory,
        };
        return (settings, 0);
    }

    private static Option<string[]> List(string name, string description, params string[] allowed)
    {
        var option = new Option<string[]>(name)
        {
            Description = $"{description}, comma-separated ({string.Join(",", allowed)})",
            HelpName = "list",
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        option.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (!allowed.Contains(value))
                {
                    r.AddError($"{name}: '{value}' is not one of {string.Join(", ", allowed)}.");
                }
            }
        });
        return option;
    }

    private static Option<int?> Positive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "n" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }
}
