using System.Security;

namespace Reliably.Rx.Tests.Packaging;

/// <summary>
/// A folder outside the repository where consumer projects are written, restored and run: its own NuGet config (the
/// temporary feed for Reliably.Rx packages, the machine's sources for the rest), its own packages folder, and empty
/// Directory.Build/Packages files so that nothing of a parent folder's build leaks in.
/// </summary>
internal sealed class ConsumerFolder
{
    private readonly IReadOnlyDictionary<string, string> _packed;
    private readonly IReadOnlyDictionary<string, string> _pinned;
    private int _count;

    public ConsumerFolder(string work, string feed, IReadOnlyDictionary<string, string> packed, IReadOnlyDictionary<string, string> pinned)
    {
        _packed = packed;
        _pinned = pinned;
        Feed = feed;
        Root = Path.Combine(work, "consumer");
        Directory.CreateDirectory(Root);
        NuGetConfig = Path.Combine(Root, "nuget.config");
        Packages = Path.Combine(work, "packages");

        // The feed is added to the sources the machine already has (third-party packages come from those); every
        // Reliably.Rx package is referenced at the exact packed version, a pre-release with the commit height that exists
        // only in the feed.
        File.WriteAllText(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{SecurityElement.Escape(Packages)}" /></config>
              <packageSources><add key="reliably-rx-under-test" value="{SecurityElement.Escape(feed)}" /></packageSources>
            </configuration>
            """);
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(Root, name), "<Project />");
        }

        Environment = new Dictionary<string, string>(PackageAcceptanceTests.CliEnvironment())
        {
            // Restores and tool installs below this folder use the temporary packages folder, never the global cache.
            ["NUGET_PACKAGES"] = Packages,
            // Built for net8.0, run on whatever newer runtime the machine has.
            ["DOTNET_ROLL_FORWARD"] = "Major",
        };
    }

    public string Root { get; }

    public string Feed { get; }

    public string NuGetConfig { get; }

    public string Packages { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public async Task<string> BuildAndRunAsync(ConsumerCase consumer, TimeSpan buildTimeout, TimeSpan runTimeout)
    {
        var folder = Path.Combine(Root, "c" + Interlocked.Increment(ref _count));
        Directory.CreateDirectory(folder);
        var references = string.Join("\n    ", consumer.Packages.Select(id => _packed.TryGetValue(id, out var version)
            ? $"<PackageReference Include=\"{id}\" Version=\"[{version}]\" />"
            : $"<PackageReference Include=\"{id}\" Version=\"{_pinned[id]}\" />"));
        await File.WriteAllTextAsync(Path.Combine(folder, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{(consumer.Kind == ConsumerKind.ConsoleApp ? "Exe" : "Library")}</OutputType>
                <TargetFramework>{consumer.TargetFramework}</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{SecurityElement.Escape(Packages)}</RestorePackagesPath>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                {references}
              </ItemGroup>
            </Project>
            """);
        foreach (var (name, content) in consumer.Files)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), content);
        }

        var dotnet = PackageAcceptanceTests.Dotnet;
        // The nuget.config above the project is found by NuGet's usual walk and added to the user's and machine's.
        await DotnetProcess.RunAsync(dotnet, "restore", folder, Environment, buildTimeout);
        if (consumer.Kind == ConsumerKind.TestProject)
        {
            return await DotnetProcess.RunAsync(dotnet, "test --no-restore -c Release -nodeReuse:false", folder, Environment, buildTimeout);
        }

        await DotnetProcess.RunAsync(dotnet, "build --no-restore -c Release -nodeReuse:false", folder, Environment, buildTimeout);
        var dll = Path.Combine(folder, "bin", "Release", consumer.TargetFramework, "consumer.dll");
        return await DotnetProcess.RunAsync(dotnet, $"\"{dll}\"", folder, Environment, runTimeout);
    }
}
