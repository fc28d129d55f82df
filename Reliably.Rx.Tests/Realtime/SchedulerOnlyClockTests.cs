using System.Text.RegularExpressions;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// Enforces the architecture rule that the injected IScheduler is the realtime core's only clock: no wall-clock reads,
/// sleeps or timers in Reliably.Rx/Realtime, Channels, Presence, Time, Transport or the realtime façade
/// (AblyRealtime*.cs, RealtimeChannel*.cs, RealtimePresence*.cs).
/// </summary>
[TestFixture]
public sealed class SchedulerOnlyClockTests
{
    private static readonly Regex Banned = new(
        @"DateTime(Offset)?\.(UtcNow|Now)\b|Task\.Delay\(|Thread\.Sleep\(|System\.Threading\.Timer\b|new\s+Timer\(|Stopwatch\.|TimeProvider\.System|Environment\.TickCount",
        RegexOptions.Compiled);

    [Test]
    public void Realtime_sources_use_no_wall_clock()
    {
        var root = FindRepositoryRoot();
        var library = Path.Combine(root, "Reliably.Rx");
        var files = new[] { "Realtime", "Channels", "Presence", "Time", "Transport" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(library, folder), "*.cs", SearchOption.AllDirectories))
            .Concat(new[] { "AblyRealtime*.cs", "RealtimeChannel*.cs", "RealtimePresence*.cs" }.SelectMany(glob => Directory.GetFiles(library, glob)))
            .ToList();
        Assert.That(files, Is.Not.Empty);

        var offenders = files
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.Text.TrimStart().StartsWith("///", StringComparison.Ordinal))
            .Where(l => Banned.IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Only_the_WebSocket_transport_references_Websocket_Client()
    {
        var library = Path.Combine(FindRepositoryRoot(), "Reliably.Rx");
        var users = Directory.GetFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("using Websocket.Client", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.That(users, Is.EqualTo(new[] { "WebSocketTransport.cs" }));
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            // Built with --artifacts-path outside the repository: fall back to the source location of this file.
            dir = new DirectoryInfo(Path.GetDirectoryName(SourcePath())!);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
            {
                dir = dir.Parent;
            }
        }

        Assert.That(dir, Is.Not.Null, "repository root not found");
        return dir!.FullName;
    }

    private static string SourcePath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
