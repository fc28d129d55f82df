using System.Text.RegularExpressions;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Rest;

/// <summary>
/// The REST and auth code must use the injected scheduler as its only clock (token expiry, fallback windows, retry
/// durations): no wall-clock reads, sleeps or stopwatches.
/// </summary>
[TestFixture]
public sealed class ClockDisciplineTests
{
    private static readonly Regex Forbidden = new(
        @"\b(DateTime(Offset)?\.(UtcNow|Now)|Task\.Delay|Thread\.Sleep|Stopwatch|System\.Threading\.Timer|TimeProvider\.System)\b",
        RegexOptions.CultureInvariant);

    [Test]
    public void RestAuthHttpAndHostsUseOnlyTheScheduler()
    {
        var root = Vectors.RepoRoot ?? throw new AssertionException("repository root not found");
        var library = Path.Combine(root, "Reliably.Rx");
        var files = new[] { "Rest", "Http", "Hosts", "Auth" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(library, folder), "*.cs", SearchOption.AllDirectories))
            .ToList();
        Assert.That(files, Has.Count.GreaterThan(20), "the scan must actually see the sources");

        var offences = files
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line, i)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && Forbidden.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.That(offences, Is.Empty);
    }
}
