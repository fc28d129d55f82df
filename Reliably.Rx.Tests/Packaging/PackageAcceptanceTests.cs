using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Packaging;

/// <summary>
/// Packs every packable project into a temporary feed, then uses the packages as a new user would, from that feed only
/// (isolated NuGet config, temporary packages folder, so no Reliably.Rx version ever lands in the global cache): a
/// net8.0 console app built from the package READMEs' first examples (the emulator's runs in-process; built for net8.0
/// and run with DOTNET_ROLL_FORWARD=Major where only a newer runtime is installed), and the <c>ably-emulator</c> tool
/// installed into a temporary tool path, started, and answering <c>/time</c>.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed partial class PackageAcceptanceTests
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Packages_BuildAndRun_FromATemporaryFeedOnly()
    {
        var repo = Vectors.RepoRoot ?? throw new InvalidOperationException("repository root not found");
        var work = Directory.CreateTempSubdirectory("reliably-rx-packaging-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var feed = Path.Combine(work, "feed");
            var packable = PackableProjects(repo);
            foreach (var (id, project) in packable)
            {
                var readme = Path.Combine(Path.GetDirectoryName(project)!, "README.md");
                Assert.That(File.Exists(readme), Is.True, $"{id} has no README.md beside its project: every package ships one for its package page");
            }

            await PackAsync(repo, work, feed, packable);
            var versions = FeedVersions(feed, packable.Keys);
            Progress($"packed {string.Join(", ", versions.Select(v => $"{v.Key} {v.Value}"))} in {clock.Elapsed.TotalSeconds:0} s");
            Assert.That(versions.Keys, Is.SupersetOf(new[] { "Reliably.Rx", "Reliably.Rx.Emulator", "Reliably.Rx.Emulator.Tool", "Reliably.Rx.Extensions.DependencyInjection" }));

            var consumer = new ConsumerFolder(work, feed, versions, CentralVersions(repo));
            foreach (var @case in ConsumerCases(repo))
            {
                var started = clock.Elapsed;
                var output = (await consumer.BuildAndRunAsync(@case, StepTimeout, RunTimeout)).Replace("\r\n", "\n", StringComparison.Ordinal);
                foreach (var line in @case.Expected.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.That(output, Does.Contain(line), $"{@case.Name}: output");
                }

                Progress($"{@case.Name}: built and ran from the feed in {(clock.Elapsed - started).TotalSeconds:0} s");
            }

            var toolStarted = clock.Elapsed;
            await ToolAnswersTimeAsync(consumer, versions["Reliably.Rx.Emulator.Tool"]);
            Progress($"ably-emulator: installed, started and answered /time in {(clock.Elapsed - toolStarted).TotalSeconds:0} s; total {clock.Elapsed.TotalSeconds:0} s");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The consumers; a new package's README is one more case here.</summary>
    private static IEnumerable<ConsumerCase> ConsumerCases(string repo)
    {
        ReadmeSnippets.Block Readme(string project) => ReadmeSnippets.FirstCSharpBlock(Path.Combine(repo, project, "README.md"));

        // One net8.0 app: the emulator README's example is the program (it starts the emulator in-process); the other
        // READMEs' first examples are methods beside it, which the program then runs against that emulator.
        var others = new[] { ("ReliablyRx", "Reliably.Rx"), ("DependencyInjection", "Reliably.Rx.Extensions.DependencyInjection"), ("EmulatorTool", "Reliably.Rx.Emulator.Tool") }
            .Select(o => (Name: o.Item1, Block: Readme(o.Item2)))
            .ToList();
        var files = new Dictionary<string, string>
        {
            ["Program.cs"] = ReadmeSnippets.AsProgram(Readme("Reliably.Rx.Emulator")) + string.Concat(others.Select(o => ReadmeSnippets.Invocation(o.Name, o.Block, "emulator"))),
        };
        foreach (var (name, block) in others)
        {
            files[$"Readme{name}.cs"] = ReadmeSnippets.AsMethod(name, block);
        }

        yield return new ConsumerCase(
            "net8.0 console app",
            "net8.0",
            ["Reliably.Rx", "Reliably.Rx.Emulator", "Reliably.Rx.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "OpenTelemetry.Extensions.Hosting"],
            files,
            ConsumerKind.ConsoleApp,
            Expected: "hello: world\n" + string.Concat(others.Select(o => $"readme {o.Name}: ran\n")));

        // The virtual-time testing package: its README's first example is a complete NUnit test file, run as a user would.
        if (File.Exists(Path.Combine(repo, "Reliably.Rx.Testing", "Reliably.Rx.Testing.csproj")))
        {
            yield return new ConsumerCase(
                "net10.0 NUnit project using Reliably.Rx.Testing",
                "net10.0",
                ["Reliably.Rx.Testing", "NUnit", "NUnit3TestAdapter", "Microsoft.NET.Test.Sdk"],
                new Dictionary<string, string> { ["ReadmeTests.cs"] = ReadmeSnippets.AsProgram(Readme("Reliably.Rx.Testing")) },
                ConsumerKind.TestProject,
                Expected: "Passed!");
        }
    }

    private static async Task ToolAnswersTimeAsync(ConsumerFolder consumer, string version)
    {
        var tools = Path.Combine(consumer.Root, "tools");
        await DotnetProcess.RunAsync(Dotnet, $"tool install Reliably.Rx.Emulator.Tool --version {version} --tool-path \"{tools}\" --add-source \"{consumer.Feed}\"", consumer.Root, consumer.Environment, StepTimeout);
        var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "ably-emulator.exe" : "ably-emulator");
        using var process = DotnetProcess.Start(command, "--port 0", consumer.Root, consumer.Environment);
        try
        {
            using var cts = new CancellationTokenSource(RunTimeout);
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            var match = ListeningLine().Match(line ?? string.Empty);
            if (!match.Success)
            {
                Assert.Fail($"first line of ably-emulator: {line}\n{await StandardErrorSoFar(process)}");
            }


            var rest = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups["url"].Value), Timeout = TimeSpan.FromSeconds(30) };
            string time;
            try
            {
                time = await http.GetStringAsync("/time", cts.Token);
            }
            catch (HttpRequestException ex)
            {
                var exit = process.HasExited ? $"exited with {process.ExitCode}" : "still running";
                process.Kill(entireProcessTree: true);
                Assert.Fail($"GET /time failed: {ex.Message}; the tool {exit}; it wrote:\n{line}\n{await rest}\n{await errors}");
                throw;
            }

            Assert.That(time, Does.Match(@"^\[\d{13}\]$"), "GET /time answers [milliseconds since the epoch]");

            if (!OperatingSystem.IsWindows())
            {
                using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
                {
                    await kill.WaitForExitAsync(cts.Token);
                }

                await process.WaitForExitAsync(cts.Token);
                Assert.That(process.ExitCode, Is.Zero, "SIGTERM stops the tool cleanly");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static async Task PackAsync(string repo, string work, string feed, IReadOnlyDictionary<string, string> packable)
    {
        // One solution filter, so that msbuild packs the projects in parallel; artifacts (bin, obj) stay in the temporary
        // folder, apart from the build the tests run from.
        var filter = Path.Combine(work, "packages.slnf");
        var projects = string.Join(",", packable.Values.Select(p => "\"" + Path.GetRelativePath(repo, p).Replace('\\', '/') + "\""));
        var solution = Path.Combine(repo, "Reliably.Rx.sln").Replace('\\', '/');
        await File.WriteAllTextAsync(filter, $$"""{ "solution": { "path": "{{solution}}", "projects": [ {{projects}} ] } }""");
        await DotnetProcess.RunAsync(Dotnet, $"pack \"{filter}\" -c Release -o \"{feed}\" --artifacts-path \"{Path.Combine(work, "artifacts")}\" -nodeReuse:false -p:IncludeSymbols=false -p:RunAnalyzers=false", repo, CliEnvironment(), PackTimeout);
    }

    /// <summary>Every project of the repository that says it is packable, by package id.</summary>
    private static Dictionary<string, string> PackableProjects(string repo) =>
        Directory.EnumerateFiles(repo, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path: p, Xml: XDocument.Load(p)))
            .Where(p => p.Xml.Descendants("IsPackable").Any(e => e.Value.Trim() == "true"))
            .ToDictionary(p => p.Xml.Descendants("PackageId").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(p.Path), p => p.Path);

    private static Dictionary<string, string> FeedVersions(string feed, IEnumerable<string> ids)
    {
        var files = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileNameWithoutExtension).ToList();
        var versions = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            var name = files.SingleOrDefault(f => f!.StartsWith(id + ".", StringComparison.Ordinal) && char.IsDigit(f[id.Length + 1]));
            Assert.That(name, Is.Not.Null, $"{id} was not packed into the feed ({string.Join(", ", files)})");
            versions[id] = name![(id.Length + 1)..];
        }

        return versions;
    }

    /// <summary>The repository's pinned versions, for the third-party packages the consumers add themselves.</summary>
    private static Dictionary<string, string> CentralVersions(string repo) =>
        XDocument.Load(Path.Combine(repo, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

    internal static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    internal static Dictionary<string, string> CliEnvironment() => new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    private static async Task<string> StandardErrorSoFar(Process process)
    {
        process.Kill(entireProcessTree: true);
        return await process.StandardError.ReadToEndAsync();
    }

    private static void Progress(string line) => TestContext.Progress.WriteLine("[packaging] " + line);

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+)$")]
    private static partial Regex ListeningLine();
}
