using System.Buffers;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>JSON to and from JToken, with date parsing off so strings stay strings.</summary>
/// <remarks>
/// Every frame passes through here, so the hot path avoids intermediate strings: input bytes are decoded once into a
/// pooled char buffer, output is written as UTF-8 straight into a reused per-thread buffer, and Newtonsoft's own
/// char buffers come from the shared pool (docs/benchmarks.md, emulator per-message cost).
/// </remarks>
internal static class JsonTree
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    // Line info is never reported to clients; recording it cost an annotation object on every token of every frame.
    private static readonly JsonLoadSettings LoadSettings = new() { LineInfoHandling = LineInfoHandling.Ignore };

    // The protocol's field names are shared instead of allocated per frame (the reader only looks names up, so one
    // table serves every thread).
    private static readonly DefaultJsonNameTable Names = KnownNames();

    [ThreadStatic]
    private static MemoryStream? t_output;

    [ThreadStatic]
    private static StreamWriter? t_writer;

    public static JToken Read(ReadOnlySpan<byte> utf8)
    {
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, chars);
            return Read(new CharBufferReader(chars, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    public static JToken Read(string text) => Read(new StringReader(text));

    public static byte[] Write(JToken token)
    {
        var output = t_output ??= new MemoryStream(1024);
        var writer = t_writer ??= new StreamWriter(output, Utf8NoBom, bufferSize: 1024, leaveOpen: true);
        output.SetLength(0);
        try
        {
            using (var json = new JsonTextWriter(writer) { CloseOutput = false, Formatting = Formatting.None, ArrayPool = CharPool.Instance })
            {
                token.WriteTo(json);
                json.Flush();
            }

            writer.Flush();
            return output.ToArray();
        }
        catch
        {
            // A half-written buffer must not leak into the next frame on this thread.
            t_writer = null;
            t_output = null;
            throw;
        }
        finally
        {
            if (output.Capacity > 256 * 1024)
            {
                t_writer = null;
                t_output = null;
            }
        }
    }

    private static JToken Read(TextReader textReader)
    {
        using var reader = new JsonTextReader(textReader)
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = 64,
            ArrayPool = CharPool.Instance,
            PropertyNameTable = Names,
        };
        var token = JToken.ReadFrom(reader, LoadSettings);
        if (reader.Read())
        {
            throw ErrorInfo.BadRequest("Trailing data after JSON value");
        }

        return token;
    }

    private static DefaultJsonNameTable KnownNames()
    {
        var table = new DefaultJsonNameTable();
        foreach (var name in MsgPackTree.KnownKeyNames)
        {
            table.Add(name);
        }

        return table;
    }

    private sealed class CharPool : IArrayPool<char>
    {
        public static readonly CharPool Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }

    /// <summary>A TextReader over a char buffer the caller owns for the duration of the read.</summary>
    private sealed class CharBufferReader : TextReader
    {
        private readonly char[] _chars;
        private readonly int _length;
        private int _position;

        public CharBufferReader(char[] chars, int length)
        {
            _chars = chars;
            _length = length;
        }

        public override int Peek() => _position < _length ? _chars[_position] : -1;

        public override int Read() => _position < _length ? _chars[_position++] : -1;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            var n = Math.Min(buffer.Length, _length - _position);
            if (n <= 0)
            {
                return 0;
            }

            _chars.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
