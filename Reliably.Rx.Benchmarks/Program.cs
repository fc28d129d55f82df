using BenchmarkDotNet.Running;

namespace Reliably.Rx.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release --project Reliably.Rx.Benchmarks -- --filter '*Codec*'</c> runs the codec
/// micro-benchmarks; any arguments go to BenchmarkDotNet's switcher. <c>e2e</c> as the first argument is reserved for
/// the end-to-end throughput/latency harness (a separate mode that prints its own table).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e")
        {
            return RunEndToEnd(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    // Placeholder until the end-to-end harness lands; it replaces this method.
    private static int RunEndToEnd(string[] args)
    {
        Console.Error.WriteLine($"The end-to-end harness is not available in this build (args: {string.Join(' ', args)}).");
        return 2;
    }
}
