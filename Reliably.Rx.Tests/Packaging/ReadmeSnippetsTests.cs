using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Packaging;

[TestFixture]
public sealed class ReadmeSnippetsTests
{
    [Test]
    public void FirstCSharpBlock_IsTheFirstFencedCSharpBlock_NotAShellBlock()
    {
        var path = Path.Combine(Path.GetTempPath(), $"readme-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, "# T\n\n```\ndotnet add package X\n```\n\n```csharp uses=options,key\nusing System;\n\nConsole.WriteLine(1);\n```\n\n```csharp\nsecond();\n```\n");
        try
        {
            var block = ReadmeSnippets.FirstCSharpBlock(path);
            Assert.That(block.Code, Is.EqualTo("using System;\n\nConsole.WriteLine(1);\n"));
            Assert.That(block.Uses, Is.EqualTo(new[] { "options", "key" }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AsMethod_HoistsUsingDirectives_ButNotUsingDeclarations()
    {
        var code = "using Reliably.Rx;\nusing static System.Math;\nusing Alias = System.Text.StringBuilder;\n\nawait using var client = Make();\nusing var other = Make();\n";

        var wrapped = ReadmeSnippets.AsMethod("X", new ReadmeSnippets.Block(code, ["options", "port"]));

        var classAt = wrapped.IndexOf("internal static class Readme_X", StringComparison.Ordinal);
        Assert.That(classAt, Is.GreaterThan(0));
        foreach (var directive in new[] { "using Reliably.Rx;", "using static System.Math;", "using Alias = System.Text.StringBuilder;" })
        {
            Assert.That(wrapped.IndexOf(directive, StringComparison.Ordinal), Is.InRange(0, classAt), directive);
        }

        Assert.That(wrapped.IndexOf("await using var client", StringComparison.Ordinal), Is.GreaterThan(classAt));
        Assert.That(wrapped.IndexOf("using var other", StringComparison.Ordinal), Is.GreaterThan(classAt));
        Assert.That(wrapped, Does.Contain("public static async Task RunAsync(string[] args, global::Reliably.Rx.ClientOptions options, int port)"));
        Assert.Throws<AssertionException>(() => ReadmeSnippets.AsMethod("Y", new ReadmeSnippets.Block("x();\n", ["nonsense"])));
    }

    [TestCase("Reliably.Rx")]
    [TestCase("Reliably.Rx.Emulator")]
    [TestCase("Reliably.Rx.Emulator.Tool")]
    [TestCase("Reliably.Rx.Extensions.DependencyInjection")]
    public void EveryPackageReadme_StartsItsExamplesWithCSharp_AndTellsHowToInstall(string project)
    {
        var path = Path.Combine(Vectors.RepoRoot!, project, "README.md");
        var text = File.ReadAllText(path);

        Assert.That(ReadmeSnippets.FirstCSharpBlock(path).Code, Is.Not.Empty);
        Assert.That(text, Does.Contain("dotnet add package " + project).Or.Contain("dotnet tool install"), "install instructions");
        Assert.That(text, Does.Not.Contain("](docs/").And.Not.Contain("](../"), "links must work on a package page, away from the repository");
        Assert.That(text, Does.Not.Contain("--project"), "a package user has no source tree to run");
    }
}
