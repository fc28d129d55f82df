namespace Reliably.Rx.Emulator.Tool;

/// <summary>The <c>ably-emulator</c> command: the same options and output as <c>dotnet run --project Reliably.Rx.Emulator</c>.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => EmulatorCommandLine.RunAsync(args, "ably-emulator");
}
