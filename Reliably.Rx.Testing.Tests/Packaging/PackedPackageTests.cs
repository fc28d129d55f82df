using System.Diagnostics;

namespace Reliably.Rx.Testing.Tests.Packaging;

/// <summary>
/// The package as a user gets it: the libraries are packed into a temporary feed, and a console project that references
/// only Reliably.Rx.Testing from that feed (nothing of this repository) runs the indicator scenario of
/// <c>UserComponent_ShowsOfflineAfter20s_AndOnlineOnReconnect</c>. Restores use only that feed and the packages already
/// in the machine's NuGet cache, through a fresh packages folder, so nothing stale is picked up and nothing is downloaded.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed class PackedPackageTests
{
    [Test]
    public void A_console_project_referencing_only_the_packed_packages_runs_the_outage_scenario()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("reliably-rx-pack-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var version = "0.0.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            // One build of the three (the Testing project references the others), then one pack each without rebuilding.
            Run(root, "dotnet", $"build Reliably.Rx.Testing/Reliably.Rx.Testing.csproj -c Release -p:Version={version} -nodeReuse:false --disable-build-servers -v:q");
            foreach (var project in new[] { "Reliably.Rx", "Reliably.Rx.Emulator", "Reliably.Rx.Testing" })
            {
                Run(root, "dotnet", $"pack {project}/{project}.csproj -c Release --no-build -o \"{feed}\" -p:Version={version} -nodeReuse:false --disable-build-servers -v:q");
            }

            Assert.That(Directory.GetFiles(feed, "Reliably.Rx.Testing." + version + ".nupkg"), Has.Length.EqualTo(1));

            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config><add key="globalPackagesFolder" value="{Path.Combine(work.FullName, "packages")}" /></config>
                  <packageSources>
                    <clear />
                    <add key="packed" value="{feed}" />
                    <add key="cache" value="{cache}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <NoWarn>NU1603;NU1701</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Reliably.Rx.Testing" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Program.cs"), ScenarioProgram);

            var output = Run(app, "dotnet", "run -c Release -nodeReuse:false --disable-build-servers");
            TestContext.Out.WriteLine(output);
            Assert.That(output, Does.Contain("online at 0.000"));
            Assert.That(output, Does.Contain("offline at 80.000"));
            Assert.That(output, Does.Contain("online at 240.000"));
            Assert.That(output, Does.Contain("scenario passed"));
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A build server may still hold a file; the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>The user's program: the indicator of the acceptance test, through a 3-minute outage, in virtual time.</summary>
    private const string ScenarioProgram = """
        using System.Reactive.Linq;
        using Microsoft.Reactive.Testing;
        using Reliably.Rx;
        using Reliably.Rx.Testing;

        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime();
        var online = client.Connection.StateChanges
            .Select(c => c.Current == ConnectionState.Connected)
            .DistinctUntilChanged()
            .Select(up => up ? Observable.Return(true) : Observable.Return(false).Delay(TimeSpan.FromSeconds(20), scheduler))
            .Switch()
            .DistinctUntilChanged();
        var seen = scheduler.CreateObserver<bool>();
        using var subscription = online.Subscribe(seen);
        scheduler.AdvanceTo(TimeSpan.FromMinutes(1).Ticks);
        ably.Network.Outage(TimeSpan.FromMinutes(3));
        scheduler.AdvanceTo(TimeSpan.FromMinutes(5).Ticks);
        foreach (var (at, value) in seen.Values())
        {
            Console.WriteLine($"{(value ? "online" : "offline")} at {at.TotalSeconds:0.000}");
        }

        var expected = new[] { true, false, true };
        Console.WriteLine(seen.Values().Select(v => v.Value).SequenceEqual(expected) ? "scenario passed" : "scenario FAILED");
        """;

    private static string Run(string directory, string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{file} {arguments}` did not finish in 5 minutes");
        }

        var output = stdout.Result + stderr.Result;
        Assert.That(process.ExitCode, Is.Zero, $"`{file} {arguments}` in {directory} failed:\n{output}");
        return output;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reliably.Rx.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
