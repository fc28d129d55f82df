using System.Text;
using System.Text.RegularExpressions;

namespace Reliably.Rx.Tests.Packaging;

/// <summary>
/// The first <c>```csharp</c> block of a package README, as the package page renders it, turned into source a consumer
/// project compiles: as the program itself, or wrapped in a method beside it (so several READMEs build in one project).
/// </summary>
internal static partial class ReadmeSnippets
{
    /// <summary>The first C# block of a markdown file; fails the test when there is none.</summary>
    public static string FirstCSharpBlock(string markdownPath)
    {
        var match = CSharpBlock().Match(File.ReadAllText(markdownPath));
        Assert.That(match.Success, Is.True, $"{markdownPath} has no ```csharp block to show on its package page");
        return match.Groups["code"].Value.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// The block as a static method <c>Readme_{name}.RunAsync(string[] args)</c> with its using directives hoisted, for
    /// blocks written as top-level statements (no type declarations).
    /// </summary>
    public static string AsMethod(string name, string code)
    {
        var usings = new StringBuilder();
        var body = new StringBuilder();
        foreach (var line in code.Split('\n'))
        {
            (UsingDirective().IsMatch(line) ? usings : body).Append(line).Append('\n');
        }

        return $$"""
            {{usings}}
            internal static class Readme_{{name}}
            {
                public static async Task RunAsync(string[] args)
                {
            {{body}}
                }
            }
            """;
    }

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>, ]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();
}
