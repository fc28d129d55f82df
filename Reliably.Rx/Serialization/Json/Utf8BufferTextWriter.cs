using System.Buffers;
using System.Text;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// A <see cref="TextWriter"/> that UTF-8 encodes into an <see cref="IBufferWriter{T}"/>, so
/// <see cref="Newtonsoft.Json.JsonTextWriter"/> can write a frame without an intermediate string. JsonTextWriter makes
/// many one-character writes (quotes, colons, commas), so characters are gathered in a small buffer and encoded in
/// batches; one instance per thread is reused.
/// </summary>
internal sealed class Utf8BufferTextWriter : TextWriter
{
    private const int BufferSize = 1024;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    [ThreadStatic]
    private static Utf8BufferTextWriter? t_cached;

    private readonly Encoder _encoder = Utf8.GetEncoder();
    private readonly char[] _chars = new char[BufferSize];
    private IBufferWriter<byte>? _output;
    private int _count;

    private Utf8BufferTextWriter()
        : base(System.Globalization.CultureInfo.InvariantCulture)
    {
    }

    public override Encoding Encoding => Utf8;

    /// <summary>This thread's writer, pointed at <paramref name="output"/> with any state of an earlier, failed write cleared.</summary>
    public static Utf8BufferTextWriter For(IBufferWriter<byte> output)
    {
        var writer = t_cached ??= new Utf8BufferTextWriter();
        writer._output = output;
        writer._count = 0;
        writer._encoder.Reset();
        return writer;
    }

    public override void Write(char value)
    {
        if (_count == BufferSize)
        {
            FlushChars();
        }

        _chars[_count++] = value;
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (buffer.Length > BufferSize - _count)
        {
            FlushChars();
            if (buffer.Length > BufferSize)
            {
                Encode(buffer, flush: false);
                return;
            }
        }

        buffer.CopyTo(_chars.AsSpan(_count));
        _count += buffer.Length;
    }

    public override void Flush()
    {
        FlushChars();
        Encode(ReadOnlySpan<char>.Empty, flush: true);
        _output = null;
    }

    private void FlushChars()
    {
        if (_count > 0)
        {
            Encode(_chars.AsSpan(0, _count), flush: false);
            _count = 0;
        }
    }

    private void Encode(ReadOnlySpan<char> chars, bool flush)
    {
        var output = _output ?? throw new InvalidOperationException("The writer has no output.");
        var span = output.GetSpan(Utf8.GetMaxByteCount(chars.Length));
        var written = _encoder.GetBytes(chars, span, flush);
        output.Advance(written);
    }
}
