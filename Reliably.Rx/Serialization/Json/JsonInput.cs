using System.Buffers;
using Newtonsoft.Json;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// Opens a <see cref="JsonTextReader"/> over a UTF-8 frame: the bytes are decoded strictly (invalid UTF-8 is malformed
/// input) into a pooled char buffer, property names are interned to <see cref="WireNames"/> constants and the reader's
/// own buffers come from the shared pool, so reading a frame allocates little beyond the model itself.
/// </summary>
internal sealed class JsonInput : IDisposable
{
    private static readonly DefaultJsonNameTable Names = CreateNameTable();
    private char[]? _chars;

    private JsonInput(char[] chars, int length)
    {
        _chars = chars;
        Reader = new JsonTextReader(new CharArrayTextReader(chars, length))
        {
            PropertyNameTable = Names,
            ArrayPool = JsonCharPool.Instance,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = CodecErrors.MaxDepth,
            CloseInput = false,
        };
    }

    public JsonTextReader Reader { get; }

    public static JsonInput Open(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Max(16, utf8.Length));
        try
        {
            var length = CodecErrors.StrictUtf8.GetChars(utf8, chars);
            return new JsonInput(chars, length);
        }
        catch (Exception ex)
        {
            ArrayPool<char>.Shared.Return(chars);
            throw CodecErrors.Malformed("The JSON text is not valid UTF-8.", ex);
        }
    }

    public void Dispose()
    {
        Reader.Close();
        if (_chars is { } c)
        {
            _chars = null;
            ArrayPool<char>.Shared.Return(c);
        }
    }

    private static DefaultJsonNameTable CreateNameTable()
    {
        // Filled once here and only read afterwards, which is safe from many threads.
        var table = new DefaultJsonNameTable();
        foreach (var name in WireNames.All)
        {
            table.Add(name);
        }

        return table;
    }

    private sealed class JsonCharPool : IArrayPool<char>
    {
        public static readonly JsonCharPool Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }

    /// <summary>A minimal reader over a char array; <see cref="StringReader"/> would need a string copy.</summary>
    private sealed class CharArrayTextReader : TextReader
    {
        private readonly char[] _chars;
        private readonly int _length;
        private int _position;

        public CharArrayTextReader(char[] chars, int length)
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
            _chars.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
