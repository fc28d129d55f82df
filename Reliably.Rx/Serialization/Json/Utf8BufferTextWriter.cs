using System.Buffers;
using System.Text;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// A <see cref="TextWriter"/> that UTF-8 encodes straight into an <see cref="IBufferWriter{T}"/>, so
/// <see cref="Newtonsoft.Json.JsonTextWriter"/> can write a frame without an intermediate string.
/// </summary>
internal sealed class Utf8BufferTextWriter : TextWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly IBufferWriter<byte> _output;
    private readonly Encoder _encoder = Utf8.GetEncoder();

    public Utf8BufferTextWriter(IBufferWriter<byte> output)
        : base(System.Globalization.CultureInfo.InvariantCulture)
    {
        _output = output;
    }

    public override Encoding Encoding => Utf8;

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(Utf8.GetMaxByteCount(buffer.Length));
        var written = _encoder.GetBytes(buffer, span, flush: false);
        _output.Advance(written);
    }

    public override void Flush()
    {
        var span = _output.GetSpan(8);
        var written = _encoder.GetBytes(ReadOnlySpan<char>.Empty, span, flush: true);
        _output.Advance(written);
    }
}
