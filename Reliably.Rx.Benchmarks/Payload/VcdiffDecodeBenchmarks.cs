using System.Text;
using BenchmarkDotNet.Attributes;

namespace Reliably.Rx.Benchmarks.Payload;

/// <summary>
/// A 4 KB JSON document that changes 1% per message (one 40-character field), received whole or as a VCDIFF delta
/// against the previous version (<c>delta=vcdiff</c>): the client's cost per message of turning the wire payload into
/// the string subscribers get. The delta is what a prefix/suffix encoder such as the emulator's writes: COPY of the
/// unchanged prefix, ADD of the changed field, COPY of the unchanged suffix. Setup prints the payload sizes.
/// </summary>
[MemoryDiagnoser]
public class VcdiffDecodeBenchmarks
{
    private byte[] _previous = null!;
    private byte[] _current = null!;
    private byte[] _delta = null!;

    [GlobalSetup]
    public void Setup()
    {
        var notes = Enumerable.Range(0, 95).Select(i => new string((char)('a' + (i % 26)), 40)).ToArray();
        _previous = Document(notes);
        notes[47] = new string('Z', 40);
        _current = Document(notes);
        _delta = PrefixSuffixDelta(_previous, _current);
        Console.WriteLine($"// payload whole: {_current.Length} bytes; as a delta: {_delta.Length} bytes ({100.0 * _delta.Length / _current.Length:0.0}%)");
        if (!VcdiffDecoder.Default.Decode(_delta, _previous).AsSpan().SequenceEqual(_current))
        {
            throw new InvalidOperationException("the delta does not reproduce the document");
        }
    }

    [Benchmark(Baseline = true)]
    public int Whole() => Encoding.UTF8.GetString(_current).Length;

    [Benchmark]
    public int Delta() => Encoding.UTF8.GetString(VcdiffDecoder.Default.Decode(_delta, _previous)).Length;

    private static byte[] Document(string[] notes) =>
        Encoding.UTF8.GetBytes("{\"sensor\":\"s-7\",\"notes\":[" + string.Join(",", notes.Select(n => "\"" + n + "\"")) + "]}");

    /// <summary>One window over the whole source: COPY prefix (mode VCD_SELF), ADD the middle, COPY suffix (mode VCD_SELF).</summary>
    private static byte[] PrefixSuffixDelta(byte[] source, byte[] target)
    {
        var prefix = 0;
        while (prefix < source.Length && prefix < target.Length && source[prefix] == target[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < source.Length - prefix && suffix < target.Length - prefix && source[^(suffix + 1)] == target[^(suffix + 1)])
        {
            suffix++;
        }

        var middle = target[prefix..^suffix];
        var instructions = new List<byte> { 19 };
        instructions.AddRange(Varint(prefix));
        instructions.Add(1);
        instructions.AddRange(Varint(middle.Length));
        instructions.Add(19);
        instructions.AddRange(Varint(suffix));
        var addresses = Varint(0).Concat(Varint(source.Length - suffix)).ToArray();

        var encoding = new List<byte>();
        encoding.AddRange(Varint(target.Length));
        encoding.Add(0);
        encoding.AddRange(Varint(middle.Length));
        encoding.AddRange(Varint(instructions.Count));
        encoding.AddRange(Varint(addresses.Length));
        encoding.AddRange(middle);
        encoding.AddRange(instructions);
        encoding.AddRange(addresses);

        var delta = new List<byte> { 0xD6, 0xC3, 0xC4, 0x00, 0x00, 0x01 };
        delta.AddRange(Varint(source.Length));
        delta.AddRange(Varint(0));
        delta.AddRange(Varint(encoding.Count));
        delta.AddRange(encoding);
        return delta.ToArray();
    }

    private static byte[] Varint(int value)
    {
        var digits = new List<byte> { (byte)(value & 0x7F) };
        for (value >>= 7; value > 0; value >>= 7)
        {
            digits.Insert(0, (byte)(0x80 | (value & 0x7F)));
        }

        return digits.ToArray();
    }
}
