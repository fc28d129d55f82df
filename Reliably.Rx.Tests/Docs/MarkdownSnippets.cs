using System.Text;
using System.Text.RegularExpressions;

namespace Reliably.Rx.Tests.Docs;

/// <summary>
/// The C# blocks of every Markdown file in the repository (README.md, docs/*.md, package READMEs: any *.md outside
/// build output and node_modules). A block is a fence whose info string starts with <c>csharp</c>; the rest of the info
/// string may say which hidden variables it uses, <c>uses=options,client,channel</c> (see <see cref="SnippetHost"/>),
/// which GitHub and nuget.org ignore when rendering.
/// </summary>
public static partial class MarkdownSnippets
{
    public sealed record Snippet(string File, int Line, string Code, IReadOnlyList<string> Uses)
    {
        public override string ToString() => $"{File}:{Line}";
    }

    internal static IReadOnlyList<Snippet> All(string root)
    {
        var snippets = new List<Snippet>();
        foreach (var path in Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj" or "node_modules" or ".git" or "TestResults"))
            {
                continue;
            }

            snippets.AddRange(Read(relative, File.ReadAllLines(path)));
        }

        return snippets;
    }

    internal static IEnumerable<Snippet> Read(string file, string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success || !open.Groups["info"].Value.StartsWith("csharp", StringComparison.Ordinal))
            {
                continue;
            }

            var fence = open.Groups["fence"].Value;
            var uses = UsesPattern().Match(open.Groups["info"].Value) is { Success: true } m
                ? m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
                : Array.Empty<string>();
            var code = new StringBuilder();
            var start = i + 1;
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith(fence, StringComparison.Ordinal); i++)
            {
                code.AppendLine(lines[i]);
            }

            yield return new Snippet(file, start, code.ToString(), uses);
        }
    }

    [GeneratedRegex(@"^\s*(?<fence>```+|~~~+)\s*(?<info>\S.*)?$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"\buses=([\w,]+)")]
    private static partial Regex UsesPattern();
}
