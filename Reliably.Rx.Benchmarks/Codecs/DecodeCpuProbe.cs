using System.Buffers;
using System.Diagnostics;

namespace Reliably.Rx.Benchmarks.Codecs;

/// <summary>
/// <c>decode-cpu</c>: the codec's decode cost per message as process CPU time rather than wall time, so the figure holds
/// on a machine shared with other work (wall-clock micro-benchmarks there vary several-fold). One thread decodes the
/// <see cref="CodecBenchmarkFrames"/> MESSAGE frame in a loop; workstation GC runs on that thread, so the CPU time is
/// the decoder's and its collections'. Three unmeasured rounds come first; then one line per round and the median.
/// Usage: <c>decode-cpu [json|msgpack] [messages per frame] [frames per round] [rounds]</c>.
/// </summary>
public static class DecodeCpuProbe
{
    public const string Verb = "decode-cpu";

    public static int Run(string[] args)
    {
        var format = args.Length > 0 ? args[0] : "json";
        var messages = args.Length > 1 ? int.Parse(args[1]) : 100;
        var frames = args.Length > 2 ? int.Parse(args[2]) : 20_000;
        var rounds = args.Length > 3 ? int.Parse(args[3]) : 7;

        var codec = CodecBenchmarkFrames.Codec(format);
        var buffer = new ArrayBufferWriter<byte>();
        codec.WriteProtocolMessage(CodecBenchmarkFrames.MessageFrame(messages), buffer);
        var frame = buffer.WrittenMemory.ToArray();
        var process = Process.GetCurrentProcess();
        var results = new List<double>();
        var sink = 0;
        // Three unmeasured rounds first, so that tiered compilation has finished with the decoder.
        for (var round = -3; round < rounds; round++)
        {
            GC.Collect();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < frames; i++)
            {
                sink += codec.ReadProtocolMessage(frame).Messages!.Length;
            }

            process.Refresh();
            var perMessage = (process.TotalProcessorTime - cpu0).TotalMilliseconds * 1e6 / ((double)frames * messages);
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / ((double)frames * messages);
            if (round >= 0)
            {
                results.Add(perMessage);
                Console.WriteLine($"round {round}: {perMessage:F0} ns CPU and {allocated:F0} B allocated per message ({format}, {messages}-message frame of {frame.Length} B)");
            }
        }

        var sorted = results.Order().ToArray();
        Console.WriteLine($"median: {sorted[sorted.Length / 2]:F0} ns CPU per message; {format}, {messages} messages per frame, {frames} frames x {rounds} rounds ({sink} decoded)");
        return 0;
    }
}
