using System.Text.RegularExpressions;

namespace ConformanceReport;

/// <summary>One UTS file: its path under uts/, how many test cases it defines, and the spec points those cases claim.</summary>
internal sealed record UtsFile(string Path, int Cases, IReadOnlySet<string> Points)
{
    public bool IsUnit => Path.Contains("/unit/", StringComparison.Ordinal);

    /// <summary>Push (RSH) is out of scope for this project.</summary>
    public bool InScope => !Path.Contains("/push", StringComparison.Ordinal);
}

/// <summary>Reads the UTS specs of the REST and realtime folders (helpers excluded).</summary>
internal static partial class UtsSpecs
{
    [GeneratedRegex(@"\*\*Test ID\*\*: `([^`]+)`")]
    private static partial Regex TestId();

    [GeneratedRegex(@"^(?<level>#{2,4}) +`?(?<head>[A-Z]{1,5}\d+[a-z0-9]*[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex CaseHeading();

    [GeneratedRegex(@"\| Spec \| Requirement \|\n\|[-| ]+\|\n((?:\|.*\|\n)+)")]
    private static partial Regex RequirementTable();

    [GeneratedRegex(@"\b([A-Z]{1,5}\d+[a-z0-9]*)\b")]
    public static partial Regex SpecPoint();

    /// <summary>One part of a test name that names a point: a spec point, or a bare type heading such as TM.</summary>
    [GeneratedRegex(@"^[A-Z]{1,5}(\d+[a-z0-9]*)?$")]
    public static partial Regex NamedPoint();

    public static IReadOnlyList<UtsFile> Read(string utsRoot)
    {
        var files = new List<UtsFile>();
        foreach (var area in new[] { "rest/unit", "realtime/unit", "rest/integration", "realtime/integration" })
        {
            var dir = System.IO.Path.Combine(utsRoot, area);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = "uts/" + System.IO.Path.GetRelativePath(utsRoot, file).Replace('\\', '/');
                if (relative.Contains("/helpers/", StringComparison.Ordinal))
                {
                    continue;
                }

                files.Add(Parse(relative, File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal)));
            }
        }

        return files;
    }

    private static UtsFile Parse(string path, string text)
    {
        var points = new HashSet<string>(StringComparer.Ordinal);
        var ids = TestId().Matches(text);
        foreach (Match id in ids)
        {
            var parts = id.Groups[1].Value.Split('/');
            if (parts.Length > 2)
            {
                points.Add(parts[2]);
            }
        }

        var headings = CaseHeading().Matches(text);
        foreach (Match heading in headings)
        {
            // "RTN2e/RTN27b - Token obtained ...": the points are what precedes the title.
            var head = heading.Groups["head"].Value;
            var cut = head.IndexOf(" - ", StringComparison.Ordinal);
            AddPoints(points, cut < 0 ? head : head[..cut]);
        }

        foreach (Match table in RequirementTable().Matches(text))
        {
            foreach (var row in table.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var cells = row.Split('|');
                if (cells.Length > 1)
                {
                    AddPoints(points, cells[1]);
                }
            }
        }

        // A case is a leaf: a heading followed by a deeper case heading is a group of cases ("RTP8 - enter" over
        // "RTP8a ..."), whether the test id sits on the group or on its cases. Setup/Assertions sub-headings are not
        // case headings, so they do not make their case a group.
        var leaves = 0;
        for (var i = 0; i < headings.Count; i++)
        {
            var grouping = i + 1 < headings.Count && headings[i + 1].Groups["level"].Length > headings[i].Groups["level"].Length;
            leaves += grouping ? 0 : 1;
        }

        return new UtsFile(path, Math.Max(ids.Count, leaves), points);
    }

    private static void AddPoints(HashSet<string> points, string text)
    {
        foreach (Match m in SpecPoint().Matches(text))
        {
            points.Add(m.Groups[1].Value);
        }
    }
}
