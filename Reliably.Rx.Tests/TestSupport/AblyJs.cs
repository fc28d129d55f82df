using System.Diagnostics;
using System.Text;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// Runs node scripts that use the official ably-js SDK (npm <c>ably</c> 2.28.0, pinned by the package-lock in
/// Reliably.Rx.Emulator.Tests/interop). Installs it with <c>npm ci</c> once, under a machine-wide mutex shared with the
/// emulator's test project, so two test processes never install into the same folder at once. Ignores the test when
/// node or npm is missing.
/// </summary>
internal static class AblyJs
{
    private const string MutexName = "Reliably.Rx.AblyJs.NpmInstall";

    public static string InteropFolder => Path.Combine(Vectors.RepoRoot ?? ".", "Reliably.Rx.Emulator.Tests", "interop");

    public static string NodeModules => Path.Combine(InteropFolder, "node_modules");

    public static Task EnsureInstalledAsync() => Task.Run(() =>
    {
        if (!File.Exists(Path.Combine(InteropFolder, "package-lock.json")))
        {
            Assert.Ignore("The ably-js interop folder is missing: " + InteropFolder);
        }

        if (Run("node", "--version", InteropFolder, null, TimeSpan.FromSeconds(30)) is not { ExitCode: 0 })
        {
            Assert.Ignore("node is not installed; ably-js interop tests skipped.");
        }

        using var mutex = new Mutex(false, MutexName);
        if (!mutex.WaitOne(TimeSpan.FromMinutes(5)))
        {
            Assert.Fail("Timed out waiting for another process to install ably-js.");
        }

        try
        {
            if (IsInstalled())
            {
                return;
            }

            var npm = Run("npm", "ci --no-audit --no-fund", InteropFolder, null, TimeSpan.FromMinutes(4));
            if (npm is null)
            {
                Assert.Ignore("npm is not installed; ably-js interop tests skipped.");
            }

            Assert.That(npm!.ExitCode, Is.Zero, "npm ci failed:\n" + npm.Output);
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    });

    /// <summary>Runs a node script with NODE_PATH pointing at the pinned ably-js; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunScriptAsync(string scriptPath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout) =>
        Task.Run(() =>
        {
            var env = new Dictionary<string, string>(environment) { ["NODE_PATH"] = NodeModules };
            var result = Run("node", "\"" + scriptPath + "\"", Path.GetDirectoryName(scriptPath)!, env, timeout)
                ?? throw new InvalidOperationException("node could not be started");
            return (result.ExitCode, result.Output);
        });

    private static bool IsInstalled()
    {
        var marker = Path.Combine(NodeModules, ".package-lock.json");
        return File.Exists(Path.Combine(NodeModules, "ably", "package.json"))
            && File.Exists(marker)
            && File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(Path.Combine(InteropFolder, "package-lock.json"));
    }

    private static ProcessResult? Run(string file, string arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var output = new StringBuilder();
            var gate = new object();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                lock (gate)
                {
                    return new ProcessResult(-1, output + $"\n(timed out after {timeout.TotalSeconds:0} s)");
                }
            }

            process.WaitForExit();
            lock (gate)
            {
                return new ProcessResult(process.ExitCode, output.ToString());
            }
        }
    }

    private sealed record ProcessResult(int ExitCode, string Output);
}
