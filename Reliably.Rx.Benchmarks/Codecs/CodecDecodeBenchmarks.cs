using System.Buffers;
using BenchmarkDotNet.Attributes;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.Codecs;

/// <summary>Reading a MESSAGE ProtocolMessage from a received frame: the cost per inbound frame.</summary>
[MemoryDiagnoser]
public class CodecDecodeBenchmarks
{
    private IProtocolCodec _codec = null!;
    private ReadOnlyMemory<byte> _bytes;

    [Params("json", "msgpack")]
    public string Format { get; set; } = "msgpack";

    [Params(1, 100)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _codec = CodecBenchmarkFrames.Codec(Format);
        var buffer = new ArrayBufferWriter<byte>();
        _codec.WriteProtocolMessage(CodecBenchmarkFrames.MessageFrame(Messages), buffer);
        _bytes = buffer.WrittenMemory.ToArray();
    }

    [Benchmark]
    public int Decode() => _codec.ReadProtocolMessage(_bytes).Messages!.Length;
}
