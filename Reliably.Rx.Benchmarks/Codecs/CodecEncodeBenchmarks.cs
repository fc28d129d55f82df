using System.Buffers;
using BenchmarkDotNet.Attributes;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.Codecs;

/// <summary>Writing a MESSAGE ProtocolMessage into a reused buffer: the cost of a publish frame.</summary>
[MemoryDiagnoser]
public class CodecEncodeBenchmarks
{
    private IProtocolCodec _codec = null!;
    private ProtocolMessage _frame = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);

    [Params("json", "msgpack")]
    public string Format { get; set; } = "msgpack";

    [Params(1, 100)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _codec = CodecBenchmarkFrames.Codec(Format);
        _frame = CodecBenchmarkFrames.MessageFrame(Messages);
    }

    [Benchmark]
    public int Encode()
    {
        _buffer.ResetWrittenCount();
        _codec.WriteProtocolMessage(_frame, _buffer);
        return _buffer.WrittenCount;
    }
}
