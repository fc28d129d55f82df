namespace Reliably.Rx.Emulator;

/// <summary>Command-line entry point: <c>dotnet run --project Reliably.Rx.Emulator -- --port 8080</c> (see <see cref="EmulatorCommandLine"/>).</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => EmulatorCommandLine.RunAsync(args, "Reliably.Rx.Emulator");
}
