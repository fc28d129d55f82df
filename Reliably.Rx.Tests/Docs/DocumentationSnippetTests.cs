using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Reliably.Rx.Emulator;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Docs;

/// <summary>
/// Every C# block of every Markdown file in the repository compiles and runs, against an in-process emulator, so the
/// README and the docs cannot drift from the library. Blocks are extracted from the files at test time
/// (<see cref="MarkdownSnippets"/>); each is compiled as a program of top-level statements (its own types at its end),
/// after a hidden prelude that declares what its info string asks for (<see cref="SnippetHost"/>).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed partial class DocumentationSnippetTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    private static readonly string[] Usings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Threading", "System.Threading.Tasks",
        "System.Reactive", "System.Reactive.Linq", "System.Reactive.Concurrency", "System.Reactive.Threading.Tasks", "Microsoft.Reactive.Testing",
        "Newtonsoft.Json.Linq", "Reliably.Rx", "Reliably.Rx.Emulator",
    ];

    private AblyEmulator _emulator = null!;

    public static IEnumerable<TestCaseData> Snippets()
    {
        var root = Vectors.RepoRoot;
        if (root is null)
        {
            yield break;
        }

        foreach (var snippet in MarkdownSnippets.All(root))
        {
            yield return new TestCaseData(snippet).SetName($"Compiles_and_runs({snippet.File}:{snippet.Line})");
        }
    }

    [OneTimeSetUp]
    public async Task StartEmulator() => SnippetHost.Emulator = _emulator = await AblyEmulator.StartAsync(new EmulatorOptions());

    [OneTimeTearDown]
    public async Task StopEmulator() => await _emulator.DisposeAsync();

    [Test]
    public void The_README_and_the_docs_have_blocks_to_check()
    {
        var snippets = MarkdownSnippets.All(Vectors.RepoRoot ?? throw new InconclusiveException("repository root not found"));
        Assert.That(snippets.Count(s => s.File == "README.md"), Is.GreaterThanOrEqualTo(4));
        Assert.That(snippets.Select(s => s.File).Distinct().Count(), Is.GreaterThanOrEqualTo(3));
    }

    [TestCaseSource(nameof(Snippets))]
    public async Task Compiles_and_runs(MarkdownSnippets.Snippet snippet)
    {
        // A block may open with using directives of its own (a package README): they go before the hidden prelude.
        var lines = snippet.Code.Split('\n');
        var own = lines.TakeWhile(l => UsingDirective().IsMatch(l) || string.IsNullOrWhiteSpace(l)).ToList();
        var body = string.Join('\n', lines.Skip(own.Count));
        var source = string.Concat(Usings.Select(u => $"using {u};\n")) + string.Join('\n', own) + "\n" +
            SnippetHost.Prelude(snippet.Uses) + $"#line {own.Count + 1}\n" + body;
        var assembly = Compile(snippet.ToString(), source);
        using var budget = new CancellationTokenSource(Budget);
        SnippetHost.Token = budget.Token;
        var main = assembly.EntryPoint!.DeclaringType!.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Single(m => m.Name == "<Main>$");
        var result = main.Invoke(null, [Array.Empty<string>()]);
        if (result is Task task)
        {
            await task.WaitAsync(Budget + TimeSpan.FromSeconds(5));
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(global\s+)?using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>]+)?\s*;\s*$")]
    private static partial System.Text.RegularExpressions.Regex UsingDirective();

    private static Assembly Compile(string name, string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: name);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(SnippetHost).Assembly.Location])
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Snippet" + Guid.NewGuid().ToString("N"),
            [tree],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.That(errors, Is.Empty, $"{name} does not compile");
        image.Position = 0;
        return new AssemblyLoadContext(name, isCollectible: true).LoadFromStream(image);
    }
}
