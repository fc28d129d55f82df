using System.Diagnostics;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.AblyJs;

/// <summary>
/// Runs the official ably-js SDK (npm ably 2.28.0, pinned with a lock file) against the emulator: one NUnit case per
/// <c>interop/*.test.js</c> script, each exercising JSON and msgpack. Ignored when node/npm are not installed.
/// </summary>
[NonParallelizable]
public sealed class InteropTests
{
    private static readonly string Folder = Path.Combine(Vectors.RepoRoot(), "Reliably.Rx.Emulator.Tests", "interop");
    private AblyEmulator? _emulator;
    private AblyEmulator? _tlsEmulator;
    private AblyEmulator? _shortTtlEmulator;

    public static IEnumerable<string> Scripts() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.test.js").Select(Path.GetFileName).OrderBy(n => n).Cast<string>()
            : ["(interop folder missing)"];

    [OneTimeSetUp]
    public async Task Setup()
    {
        if (!Directory.Exists(Folder))
        {
            Assert.Ignore("Interop folder not found at " + Folder);
        }

        if (await RunAsync("node", "--version", TimeSpan.FromSeconds(20)) is not { ExitCode: 0 })
        {
            Assert.Ignore("node is not installed; ably-js interop tests skipped");
        }

        // One install at a time across test processes: Reliably.Rx.Tests installs into the same folder under this
        // machine-wide mutex (TestSupport/AblyJs.cs). A Mutex belongs to a thread, so the install runs on one.
        var npm = await Task.Run(() =>
        {
            using var mutex = new Mutex(false, "Reliably.Rx.AblyJs.NpmInstall");
            Assert.That(mutex.WaitOne(TimeSpan.FromMinutes(5)), Is.True, "timed out waiting for another process to install ably-js");
            try
            {
                var installed = File.Exists(Path.Combine(Folder, "node_modules", "ably", "package.json"))
                    && File.GetLastWriteTimeUtc(Path.Combine(Folder, "node_modules", ".package-lock.json")) >= File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json"));
                return installed ? (Installed: true, Result: null) : (Installed: false, Result: RunAsync("npm", "ci --no-audit --no-fund", TimeSpan.FromMinutes(3)).GetAwaiter().GetResult());
            }
            finally
            {
                mutex.ReleaseMutex();
            }
        });
        if (!npm.Installed)
        {
            if (npm.Result is null)
            {
                Assert.Ignore("npm is not installed; ably-js interop tests skipped");
            }

            Assert.That(npm.Result!.ExitCode, Is.Zero, "npm ci failed:\n" + npm.Result.Output);
        }

        _emulator = await AblyEmulator.StartAsync(new EmulatorOptions
        {
            PresenceLeaveDelay = TimeSpan.FromSeconds(1),

            // idle.test.js relies on a short idle interval (pings every 0.5 s) to exercise RTN23a quickly.
            MaxIdleInterval = TimeSpan.FromSeconds(2),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        });

        // tls.test.js: self-signed certificate, and Basic auth refused over plain transports as on the real service.
        _tlsEmulator = await AblyEmulator.StartAsync(new EmulatorOptions { Tls = true, StrictBasicAuth = true });

        // suspended.test.js: state expires quickly so SUSPENDED (RTN14e) and a failed resume happen within seconds.
        _shortTtlEmulator = await AblyEmulator.StartAsync(new EmulatorOptions { ConnectionStateTtl = TimeSpan.FromSeconds(2) });
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        if (_tlsEmulator is not null)
        {
            await _tlsEmulator.DisposeAsync();
        }

        if (_shortTtlEmulator is not null)
        {
            await _shortTtlEmulator.DisposeAsync();
        }
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task AblyJs(string script)
    {
        _emulator!.Faults.Reset();
        _shortTtlEmulator!.Faults.Reset();
        var result = await RunAsync("node", script, TimeSpan.FromSeconds(60), new Dictionary<string, string>
        {
            ["EMULATOR_PORT"] = _emulator.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EMULATOR_KEY"] = _emulator.DefaultKey,
            ["EMULATOR_TLS_PORT"] = _tlsEmulator!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EMULATOR_TLS_KEY"] = _tlsEmulator.DefaultKey,
            ["EMULATOR_SHORT_TTL_PORT"] = _shortTtlEmulator!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EMULATOR_SHORT_TTL_KEY"] = _shortTtlEmulator.DefaultKey,

            // Only the node child trusts the emulator's generated self-signed certificate.
            ["NODE_TLS_REJECT_UNAUTHORIZED"] = "0",
            ["NODE_NO_WARNINGS"] = "1",
        });
        Assert.That(result, Is.Not.Null, "node could not be started");
        TestContext.Out.WriteLine(result!.Output);
        Assert.That(result.ExitCode, Is.Zero, $"{script} failed:\n{result.Output}");
    }

    private static async Task<ProcessResult?> RunAsync(string file, string arguments, TimeSpan timeout, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in environment ?? [])
        {
            info.Environment[k] = v;
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
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return new ProcessResult(-1, $"timed out after {timeout}\n{await stdout}\n{await stderr}");
            }

            return new ProcessResult(process.ExitCode, (await stdout) + (await stderr));
        }
    }

    private sealed record ProcessResult(int ExitCode, string Output);
}
