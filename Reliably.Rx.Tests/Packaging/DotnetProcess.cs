using System.Diagnostics;
using System.Text;

namespace Reliably.Rx.Tests.Packaging;

/// <summary>Runs <c>dotnet</c> (or a tool) as a child process with a deadline, capturing its output for the failure message.</summary>
internal static class DotnetProcess
{
    public static async Task<string> RunAsync(string fileName, string arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        using var process = Start(fileName, arguments, workingDirectory, environment);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {arguments}' did not finish within {timeout.TotalSeconds:0} s:\n{Tail(output)}");
        }

        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"'{fileName} {arguments}' failed:\n{Tail(output)}");
        lock (output)
        {
            return output.ToString();
        }
    }

    public static Process Start(string fileName, string arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length > 6000 ? "...\n" + text[^6000..] : text;
        }
    }
}
