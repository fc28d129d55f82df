using BenchmarkDotNet.Running;

namespace Reliably.Rx.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release --project Reliably.Rx.Benchmarks -- --filter '*Codec*'</c> runs the codec
/// micro-benchmarks; any arguments go to BenchmarkDotNet's switcher. <c>e2e [--quick]</c> runs the end-to-end
/// harness (Reliably.Rx vs ably-js against the embedded emulator; see docs/benchmarks.md; <c>e2e --help</c> lists its
/// options), which prints progress while it runs, then one table, and writes the table and charts to <c>--out</c>;
/// <c>e2e-memchild</c> is its memory-measurement child process; <c>receive-cpu</c> measures the receive path's CPU time
/// per message with a blocking caller (<see cref="Pipeline.ReceiveCpuProbe"/>), and <c>decode-cpu</c> the codec's decode CPU
/// time per message (<see cref="Codecs.DecodeCpuProbe"/>); <c>publish-cpu</c> the client's CPU time and allocation per
/// publish without sockets (<see cref="Pipeline.PublishCpuProbe"/>); <c>ab</c> compares two builds of the library in one
/// process (<see cref="AB.AbCommand"/>; <c>ab --help</c>); <c>ws-floor</c> the heap of a bare idle WebSocket
/// (<see cref="EndToEnd.IdleSocketFloor"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e")
        {
            return EndToEnd.EndToEndHarness.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == EndToEnd.RxMemoryProbe.ChildVerb)
        {
            return EndToEnd.RxMemoryProbe.ChildAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == EndToEnd.IdleSocketFloor.Verb)
        {
            return EndToEnd.IdleSocketFloor.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == EndToEnd.IdleSocketFloor.ChildVerb)
        {
            return EndToEnd.IdleSocketFloor.ChildAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == Codecs.DecodeCpuProbe.Verb)
        {
            return Codecs.DecodeCpuProbe.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == AB.AbCommand.Verb)
        {
            return AB.AbCommand.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == Pipeline.ReceiveCpuProbe.Verb)
        {
            return Pipeline.ReceiveCpuProbe.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == Pipeline.PublishCpuProbe.Verb)
        {
            return Pipeline.PublishCpuProbe.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
