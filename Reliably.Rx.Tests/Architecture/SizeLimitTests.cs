using System.Reflection;
using System.Runtime.CompilerServices;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Architecture;

/// <summary>
/// State belongs to small components (STYLE rule 7): no class of Reliably.Rx holds more than 20 fields and no source
/// file exceeds 400 lines. A class over the field limit would be listed with its present figure, which may only
/// go down: the list is the remaining work, not a licence.
/// </summary>
[TestFixture]
public sealed class SizeLimitTests
{
    private const int MaxFields = 20;
    private const int MaxLines = 400;

    /// <summary>Classes over the field limit and their present count: none since the loop and the channel were split.</summary>
    private static readonly Dictionary<string, int> KnownLargeClasses = new()
    {
    };

    /// <summary>Files over the line limit and their present length: none.</summary>
    private static readonly Dictionary<string, int> KnownLongFiles = new();

    /// <summary>
    /// The public options record is exempt: each of its fields backs one documented, immutable option (TO3), which is
    /// configuration handed in whole, not state that code could share.
    /// </summary>
    private static readonly HashSet<string> Exempt = ["Reliably.Rx.ClientOptions"];

    [Test]
    public void No_class_holds_more_than_20_fields()
    {
        var counts = typeof(AblyRest).Assembly.GetTypes()
            .Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute), false) && !t.FullName!.Contains('<', StringComparison.Ordinal))
            .Where(t => !Exempt.Contains(t.FullName!))
            .Select(t => (Name: t.FullName!, Fields: StateFields(t)))
            .ToList();
        Check(counts.Where(c => c.Fields > MaxFields || KnownLargeClasses.ContainsKey(c.Name)), KnownLargeClasses, MaxFields, "fields");
    }

    [Test]
    public void No_file_exceeds_400_lines()
    {
        var project = Path.Combine(Vectors.RepoRoot ?? throw new AssertionException("repository root not found"), "Reliably.Rx");
        var lengths = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(project, f).Replace(Path.DirectorySeparatorChar, '/'), Lines: File.ReadLines(f).Count()))
            .Where(f => !f.Name.StartsWith("obj/", StringComparison.Ordinal) && !f.Name.StartsWith("bin/", StringComparison.Ordinal))
            .ToList();
        Assert.That(lengths, Has.Count.GreaterThan(100), "the scan must see the sources");
        Check(lengths.Where(f => f.Lines > MaxLines || KnownLongFiles.ContainsKey(f.Name)), KnownLongFiles, MaxLines, "lines");
    }

    /// <summary>Fields that hold state: every instance field (auto-property backing fields included) and mutable statics.</summary>
    internal static int StateFields(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Count(f => !f.IsStatic || (!f.IsLiteral && !f.IsInitOnly));

    private static void Check(IEnumerable<(string Name, int Size)> measured, Dictionary<string, int> known, int limit, string unit)
    {
        var problems = new List<string>();
        foreach (var (name, size) in measured)
        {
            if (!known.TryGetValue(name, out var allowed))
            {
                problems.Add($"{name}: {size} {unit}, over the limit of {limit}");
            }
            else if (size > allowed)
            {
                problems.Add($"{name}: {size} {unit}, more than its recorded {allowed}: split it rather than grow it");
            }
            else if (size < allowed)
            {
                problems.Add($"{name}: {size} {unit}, down from {allowed}: record the new figure{(size <= limit ? " (or take it off the list: it is within the limit)" : string.Empty)}");
            }
        }

        var gone = known.Keys.Except(measured.Select(m => m.Name)).ToList();
        problems.AddRange(gone.Select(name => $"{name}: no longer present; take it off the list"));
        Assert.That(problems, Is.Empty);
    }
}
