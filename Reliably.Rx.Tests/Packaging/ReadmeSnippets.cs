using System.Text;
using System.Text.RegularExpressions;

namespace Reliably.Rx.Tests.Packaging;

/// <summary>
/// The first <c>```csharp</c> block of a package README, as the package page renders it, turned into source a consumer
/// project compiles: as the program itself, or wrapped in a method beside it (so several READMEs build in one project).
/// A block may name variables it uses without declaring them in its info string (<c>```csharp uses=options,key</c>,
/// which package pages do not show); the wrapper declares them as the method's parameters.
/// </summary>
internal static partial class ReadmeSnippets
{
    private static readonly Dictionary<string, string> Declarations = new(StringComparer.Ordinal)
    {
        ["options"] = "global::Reliably.Rx.ClientOptions options",
        ["key"] = "string key",
        ["port"] = "int port",
        ["cancellationToken"] = "global::System.Threading.CancellationToken cancellationToken",
        ["client"] = "global::Reliably.Rx.AblyRealtime client",
        ["channel"] = "global::Reliably.Rx.RealtimeChannel channel",
    };

    /// <summary>A C# block: its code, and the variables its info string says it uses.</summary>
    public sealed record Block(string Code, IReadOnlyList<string> Uses);

    /// <summary>The first C# block of a markdown file; fails the test when there is none.</summary>
    public static Block FirstCSharpBlock(string markdownPath)
    {
        var match = CSharpBlock().Match(File.ReadAllText(markdownPath).Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.That(match.Success, Is.True, $"{markdownPath} has no ```csharp block to show on its package page");
        var uses = UsesPattern().Match(match.Groups["info"].Value) is { Success: true } m
            ? m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : [];
        return new Block(match.Groups["code"].Value, uses);
    }

    /// <summary>A block that is a whole program: it may use nothing it does not declare.</summary>
    public static string AsProgram(Block block)
    {
        Assert.That(block.Uses, Is.Empty, "a README example that runs as a program must declare everything it uses");
        return block.Code;
    }

    /// <summary>
    /// The block as a static method <c>Readme_{name}.RunAsync(string[] args, ...)</c> with its using directives hoisted
    /// and its undeclared variables as parameters, for blocks written as top-level statements (no type declarations).
    /// </summary>
    public static string AsMethod(string name, Block block)
    {
        var usings = new StringBuilder();
        var body = new StringBuilder();
        foreach (var line in block.Code.Split('\n'))
        {
            (UsingDirective().IsMatch(line) ? usings : body).Append(line).Append('\n');
        }

        var parameters = block.Uses.Select(u => Declarations.TryGetValue(u, out var declaration)
            ? ", " + declaration
            : throw new AssertionException($"README block of {name}: unknown variable '{u}' in uses= ({string.Join(", ", Declarations.Keys)})"));
        return $$"""
            {{usings}}
            internal static class Readme_{{name}}
            {
                public static async Task RunAsync(string[] args{{string.Concat(parameters)}})
                {
            {{body}}
                }
            }
            """;
    }

    /// <summary>
    /// A statement that runs a wrapped block (<see cref="AsMethod"/>) inside a program that has an in-process emulator in
    /// <paramref name="emulator"/>, its variables bound to that emulator, then prints <c>readme {name}: ran</c>.
    /// </summary>
    public static string Invocation(string name, Block block, string emulator)
    {
        var arguments = block.Uses.Select(u => u switch
        {
            "options" => $"global::Reliably.Rx.ClientOptions.ForEmulator({emulator}.BaseUri, {emulator}.DefaultKey)",
            "key" => $"{emulator}.DefaultKey",
            "port" => $"{emulator}.Port",
            "cancellationToken" => "global::System.Threading.CancellationToken.None",
            _ => throw new AssertionException($"README block of {name}: '{u}' cannot be bound in a consumer program"),
        });
        return $"await Readme_{name}.RunAsync(args{string.Concat(arguments.Select(a => ", " + a))});\n" +
            $"global::System.Console.WriteLine(\"readme {name}: ran\");\n";
    }

    [GeneratedRegex(@"^```csharp(?<info>[^\n]*)\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"\buses=([\w,]+)")]
    private static partial Regex UsesPattern();

    [GeneratedRegex(@"^using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>, ]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();
}
