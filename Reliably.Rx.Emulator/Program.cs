namespace Reliably.Rx.Emulator;

internal static class Program
{
    private static int Main() => 0;
}
