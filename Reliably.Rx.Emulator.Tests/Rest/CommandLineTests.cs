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
