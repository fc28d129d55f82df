using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// Locates Ably's reference vectors (ably-common test-resources) at <c>../shared/ably/vectors</c> relative to the
/// repository root. They are never copied into the repo; when they are absent, tests using them are ignored with the
/// reason.
/// </summary>
public static class Vectors
{
    private static readonly Lazy<string?> Root = new(FindVectorDirectory);

    /// <summary>The vector directory, or null when it is not there.</summary>
    public static string? DirectoryPath => Root.Value;

    /// <summary>The repository root (the folder holding Reliably.Rx.sln), or null when it cannot be found.</summary>
    public static string? RepoRoot => FindRepoRoot(TestContext.CurrentContext.TestDirectory) ?? FindRepoRoot(SourceDirectory());

    /// <summary>The full path of a vector file; ignores the calling test when the file is absent.</summary>
    public static string RequireFile(string fileName)
    {
        var dir = DirectoryPath;
        if (dir is null)
        {
            Assert.Ignore($"Ably reference vectors not found: expected ../shared/ably/vectors beside the repository root ({RepoRoot ?? "root not found"}).");
        }

        var path = Path.Combine(dir!, fileName);
        if (!File.Exists(path))
        {
            Assert.Ignore($"Ably reference vector file {fileName} not found in {dir}.");
        }

        return path;
    }

    /// <summary>A vector file parsed as JSON (dates left as strings, floats as doubles).</summary>
    public static JToken Load(string fileName)
    {
        using var reader = new JsonTextReader(File.OpenText(RequireFile(fileName)))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
        };
        return JToken.ReadFrom(reader);
    }

    /// <summary>Whether the vectors are present, for TestCaseSource methods that must not call Assert.Ignore.</summary>
    public static bool Exists(string fileName) => DirectoryPath is { } dir && File.Exists(Path.Combine(dir, fileName));

    private static string? FindVectorDirectory()
    {
        foreach (var start in new[] { TestContext.CurrentContext.TestDirectory, SourceDirectory() })
        {
            if (FindRepoRoot(start) is { } root)
            {
                var dir = Path.GetFullPath(Path.Combine(root, "..", "shared", "ably", "vectors"));
                if (Directory.Exists(dir))
                {
                    return dir;
                }
            }
        }

        return null;
    }

    private static string? FindRepoRoot(string? start)
    {
        for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    // Falls back to where this file was compiled from, for test runs from an output folder outside the repo.
    private static string? SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path);
}
