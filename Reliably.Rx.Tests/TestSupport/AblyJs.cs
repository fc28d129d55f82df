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
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(string scriptPath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        using var run = StartScript(scriptPath, environment);
        return await run.WaitForExitAsync(timeout);
    }

    /// <summary>
    /// Starts a node script with NODE_PATH pointing at the pinned ably-js. Both pipes are read continuously, so node
    /// never blocks on a full pipe; <see cref="NodeRun.LineSeen"/> completes when the script prints a given line.
    /// </summary>
    public static NodeRun StartScript(string scriptPath, IReadOnlyDictionary<string, string> environment, string? signalLine = null)
    {
        var info = new ProcessStartInfo("node", "\"" + scriptPath + "\"")
        {
            WorkingDirectory = Path.GetDirectoryName(scriptPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["NODE_PATH"] = NodeModules;
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        try
        {
            return new NodeRun(Process.Start(info)!, signalLine);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("node is not installed; ably-js interop tests skipped.");
            throw;
        }
    }

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

/// <summary>A running node script: its output so far, a signal line, and its exit.</summary>
internal sealed class NodeRun : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _lineSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeRun(Process process, string? signalLine)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(e.Data);
            if (e.Data == signalLine)
            {
                _lineSeen.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Completes when the script prints the signal line.</summary>
    public Task LineSeen => _lineSeen.Task;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the signal line is printed or the script exits, within <paramref name="timeout"/>; true when the line was seen.</summary>
    public async Task<bool> WaitForLineAsync(TimeSpan timeout)
    {
        await Task.WhenAny(LineSeen, _process.WaitForExitAsync()).WaitAsync(timeout);
        return LineSeen.IsCompleted;
    }

    /// <summary>The exit code and output; a script still running after <paramref name="timeout"/> is killed and reported as -1.</summary>
    public async Task<(int ExitCode, string Output)> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return (-1, Output + $"\n(timed out after {timeout.TotalSeconds:0} s)");
        }

        // The parameterless wait also drains the asynchronous pipe readers.
        _process.WaitForExit();
        return (_process.ExitCode, Output);
    }

    public void Dispose() => _process.Dispose();

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
