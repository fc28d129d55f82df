using System.Diagnostics;
using System.Text.RegularExpressions;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

public sealed partial class CommandLineTests
{
    [Test]
    public async Task PortZero_PrintsListeningLineThenDefaultKey_AndServes()
    {
        using var process = Start("--port 0 --key cliApp.cliKey:cliSecret");
        try
        {
            var first = await ReadLineAsync(process);
            var match = ListeningRegex().Match(first ?? string.Empty);
            Assert.That(match.Success, Is.True, "first line: " + first);
            Assert.That(await ReadLineAsync(process), Does.Contain("cliApp.cliKey:cliSecret"));

            using var http = Http.Client(new Uri(match.Groups[1].Value), "cliApp.cliKey:cliSecret");
            var response = await http.GetAsync("/channels/x/messages");
            Assert.That(response.IsSuccessStatusCode, Is.True);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Test]
    public async Task SigTerm_ShutsDownCleanly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("POSIX signals only");
        }

        using var process = Start("--port 0");
        try
        {
            Assert.That(await ReadLineAsync(process), Does.StartWith("Reliably.Rx.Emulator listening on"));
            using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(cts.Token);
            Assert.That(process.ExitCode, Is.Zero);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Test]
    public async Task Help_ListsEveryOption()
    {
        using var process = Start("--help");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero);
        foreach (var option in new[] { "--port", "--address", "--tls", "--strict-basic-auth", "--key", "--connection-state-ttl", "--max-idle-interval",
            "--heartbeat-interval", "--presence-leave-delay", "--max-message-size", "--max-frame-size", "--history-limit", "--sync-page-size", "--frame-log-limit", "--verbose" })
        {
            Assert.That(output, Does.Contain(option));
        }
    }

    [Test]
    public async Task UnknownOption_ExitsWithUsageError()
    {
        using var process = Start("--bogus");
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public async Task OutOfRangeValue_ExitsWithUsageError_NamingTheOption()
    {
        using var process = Start("--port 70000 --address not-an-ip");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--port must be between 0 and 65535").And.Contain("'not-an-ip' is not an IP address"));
    }

    [Test]
    public async Task Version_PrintsTheVersionFromGit()
    {
        using var process = Start("--version");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero);
        Assert.That(output.Trim(), Does.Match(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?(\+[0-9a-f]+)?$"));
    }

    [Test]
    public void EveryOption_MapsToEmulatorOptions()
    {
        var result = EmulatorCommandLine.CreateCommand("ably-emulator").Parse(
            "--port 8080 --address 127.0.0.1 --address 127.0.0.2 --tls --strict-basic-auth --key a.b:c --connection-state-ttl 2000 " +
            "--max-idle-interval 3000 --heartbeat-interval 400 --presence-leave-delay 500 --max-message-size 600 --max-frame-size 700 " +
            "--history-limit 800 --sync-page-size 9 --frame-log-limit 0");
        Assert.That(result.Errors, Is.Empty);

        var options = EmulatorCommandLine.ToOptions(result);

        Assert.That(options.Port, Is.EqualTo(8080));
        Assert.That(options.Addresses.Select(a => a.ToString()), Is.EqualTo(new[] { "127.0.0.1", "127.0.0.2" }));
        Assert.That(options.Tls && options.StrictBasicAuth, Is.True);
        Assert.That(options.DefaultKey, Is.EqualTo("a.b:c"));
        Assert.That(options.ConnectionStateTtl, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(options.MaxIdleInterval, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(options.HeartbeatInterval, Is.EqualTo(TimeSpan.FromMilliseconds(400)));
        Assert.That(options.PresenceLeaveDelay, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
        Assert.That((options.MaxMessageSize, options.MaxFrameSize, options.ChannelHistoryLimit, options.SyncPageSize, options.FrameLogLimit), Is.EqualTo((600, 700, 800, 9, 0)));
    }

    [Test]
    public void NoOptions_GiveTheDefaults()
    {
        var options = EmulatorCommandLine.ToOptions(EmulatorCommandLine.CreateCommand("ably-emulator").Parse([]));

        Assert.That(options with { TimeProvider = EmulatorOptions.Default.TimeProvider }, Is.EqualTo(EmulatorOptions.Default));
    }

    private static Process Start(string arguments)
    {
        var dll = typeof(AblyEmulator).Assembly.Location;
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(info)!;
    }

    private static async Task<string?> ReadLineAsync(Process process)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await process.StandardOutput.ReadLineAsync(cts.Token);
    }

    [GeneratedRegex("^Reliably\\.Rx\\.Emulator listening on (http://127\\.0\\.0\\.1:[0-9]+)$")]
    private static partial Regex ListeningRegex();
}
