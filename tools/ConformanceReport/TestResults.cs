using System.Reflection;
using System.Runtime.Loader;
using System.Xml.Linq;

namespace ConformanceReport;

internal enum Outcome
{
    Passed,
    Failed,
    Ignored,
    NotRun,
}

/// <summary>One translated case: a test method of the conformance project, its UTS file, outcome and annotations.</summary>
internal sealed record TranslatedCase(
    string UtsFile,
    string Class,
    string Method,
    Outcome Outcome,
    string? IgnoreReason,
    IReadOnlyList<string> Divergences,
    IReadOnlyList<string> Adaptations)
{
    /// <summary>
    /// The spec points the test's name starts with (RTN2e_RTN27b_Title: RTN2e and RTN27b). A bare type heading (TM, TG,
    /// AO) counts too: UTS cases claim one in their test ids (rest/unit/TM/...) for checks of the type's shape.
    /// </summary>
    public IEnumerable<string> NamedPoints() =>
        Method.Split('_').TakeWhile(part => UtsSpecs.NamedPoint().IsMatch(part));
}

/// <summary>Reads the conformance assembly (structure, categories, attributes) and a TRX file (outcomes).</summary>
internal static class TestResults
{
    public static IReadOnlyList<TranslatedCase> Read(string assemblyPath, string trxPath)
    {
        var outcomes = ReadTrx(trxPath);
        var context = new AssemblyLoadContext("conformance", isCollectible: true);
        var directory = Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!;
        context.Resolving += (ctx, name) =>
        {
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate)
                : SharedFrameworkAssembly(name.Name + ".dll") is { } shared ? ctx.LoadFromAssemblyPath(shared) : null;
        };

        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        var cases = new List<TranslatedCase>();
        foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract))
        {
            var utsFile = Argument(type.GetCustomAttributesData(), "CategoryAttribute")
                .FirstOrDefault(c => c.StartsWith("uts/", StringComparison.Ordinal));
            if (utsFile is null)
            {
                continue;
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var attributes = method.GetCustomAttributesData();
                if (!attributes.Any(a => a.AttributeType.Name is "TestAttribute" or "TestCaseAttribute" or "TestCaseSourceAttribute"))
                {
                    continue;
                }

                // An [Ignore] on the method or its class, or the Ignore reason of a [TestCase] row.
                var ignore = Argument(attributes, "IgnoreAttribute").FirstOrDefault()
                    ?? Argument(type.GetCustomAttributesData(), "IgnoreAttribute").FirstOrDefault()
                    ?? NamedArgument(attributes, "TestCaseAttribute", "Ignore").FirstOrDefault()
                    ?? NamedArgument(attributes, "TestCaseAttribute", "IgnoreReason").FirstOrDefault();
                var outcome = ignore is not null ? Outcome.Ignored
                    : outcomes.TryGetValue((type.FullName!, method.Name), out var o) ? o : Outcome.NotRun;
                cases.Add(new TranslatedCase(
                    utsFile,
                    type.Name,
                    method.Name,
                    outcome,
                    ignore,
                    Argument(attributes, "DivergenceAttribute").ToList(),
                    Argument(attributes, "AdaptedAttribute").ToList()));
            }
        }

        return cases;
    }

    /// <summary>
    /// An assembly of a shared framework the test project runs on but does not copy to its output (ASP.NET Core's, through
    /// the emulator): the newest version of any framework installed beside the running runtime.
    /// </summary>
    private static string? SharedFrameworkAssembly(string fileName)
    {
        var shared = Directory.GetParent(Path.GetDirectoryName(typeof(object).Assembly.Location)!)?.Parent;
        if (shared is null || !shared.Exists)
        {
            return null;
        }

        return shared.GetDirectories()
            .SelectMany(framework => framework.GetDirectories())
            .OrderByDescending(version => Version.TryParse(version.Name.Split('-')[0], out var v) ? v : new Version(0, 0))
            .Select(version => Path.Combine(version.FullName, fileName))
            .FirstOrDefault(File.Exists);
    }

    private static IEnumerable<string> Argument(IEnumerable<CustomAttributeData> attributes, string name) =>
        attributes.Where(a => a.AttributeType.Name == name && a.ConstructorArguments.Count > 0)
            .Select(a => a.ConstructorArguments[0].Value as string)
            .OfType<string>();

    private static IEnumerable<string> NamedArgument(IEnumerable<CustomAttributeData> attributes, string name, string argument) =>
        attributes.Where(a => a.AttributeType.Name == name)
            .SelectMany(a => a.NamedArguments)
            .Where(n => n.MemberName == argument)
            .Select(n => n.TypedValue.Value as string)
            .OfType<string>();

    /// <summary>Outcome per test method; a parameterised method passes only if all its cases pass.</summary>
    private static Dictionary<(string Class, string Method), Outcome> ReadTrx(string trxPath)
    {
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var doc = XDocument.Load(trxPath);
        var methods = doc.Descendants(ns + "UnitTest").ToDictionary(
            u => (string)u.Attribute("id")!,
            u =>
            {
                var m = u.Element(ns + "TestMethod")!;
                var name = (string)m.Attribute("name")!;
                var paren = name.IndexOf('(', StringComparison.Ordinal);
                return ((string)m.Attribute("className")!, paren < 0 ? name : name[..paren]);
            });
        var result = new Dictionary<(string, string), Outcome>();
        foreach (var r in doc.Descendants(ns + "UnitTestResult"))
        {
            if (!methods.TryGetValue((string)r.Attribute("testId")!, out var key))
            {
                continue;
            }

            var outcome = (string?)r.Attribute("outcome") switch
            {
                "Passed" => Outcome.Passed,
                "NotExecuted" => Outcome.Ignored,
                _ => Outcome.Failed,
            };
            result[key] = result.TryGetValue(key, out var previous) && previous != Outcome.Passed ? previous : outcome;
        }

        return result;
    }
}
