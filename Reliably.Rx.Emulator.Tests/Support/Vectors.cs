namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>Locates ../shared/ably/vectors relative to the repository root.</summary>
public static class Vectors
{
    public static string? Find(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "ably", "vectors", relative));
        return File.Exists(path) ? path : null;
    }

    public static string RepoRoot()
    {
        foreach (var start in new[] { TestContext.CurrentContext.TestDirectory, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
                {
                    return dir.FullName;
                }

                dir = dir.Parent;
            }
        }

        // Test assemblies built into an artifacts path outside the repo: use the project path baked in at build time.
        return Path.GetFullPath(Path.Combine(ThisDirectory(), "..", ".."));
    }

    private static string ThisDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
