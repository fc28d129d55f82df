using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
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
    private static readonly (byte[] Utf8, string Name)[] KnownNameBytes = [.. MsgPackTree.KnownKeyNames.Select(n => (Encoding.UTF8.GetBytes(n), n))];
    private const int MaxDepth = 64;

    /// <summary>The reader options of every JSON frame and body: nesting limited, comments skipped.</summary>
    internal static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip };

    [ThreadStatic]
    private static MemoryStream? t_output;

    [ThreadStatic]
    private static StreamWriter? t_writer;

    /// <summary>
    /// Reads a frame or body straight from its UTF-8 bytes (System.Text.Json's reader: no UTF-16 copy of the text, no
    /// reader object per frame), with Newtonsoft's tree semantics: strings stay strings, numbers with a fraction or an
    /// exponent are doubles, other numbers are longs (BigInteger beyond), a repeated name keeps its last value.
    /// </summary>
    public static JToken Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        if (!reader.Read())
        {
            throw ErrorInfo.BadRequest("Empty JSON body");
        }

        var token = ReadValue(ref reader);
        if (reader.Read())
        {
            throw ErrorInfo.BadRequest("Trailing data after JSON value");
        }

        return token;
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
            MaxDepth = MaxDepth,
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

    /// <summary>Reads the value the reader is on (its first token) as a tree.</summary>
    internal static JToken ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var obj = new JObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = PropertyName(ref reader);
                    reader.Read();
                    obj[name] = ReadValue(ref reader);
                }

                return obj;
            }

            case JsonTokenType.StartArray:
            {
                var array = new JArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader));
                }

                return array;
            }

            case JsonTokenType.String:
                return new JValue(reader.GetString());
            case JsonTokenType.Number:
                return Number(ref reader);
            case JsonTokenType.True:
                return new JValue(true);
            case JsonTokenType.False:
                return new JValue(false);
            default:
                return JValue.CreateNull();
        }
    }

    private static JValue Number(ref Utf8JsonReader reader)
    {
        // Numbers are never escaped, so the raw bytes are the number's text.
        var text = reader.ValueSpan;
        if (text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
        {
            return new JValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return reader.TryGetInt64(out var l) ? new JValue(l) : new JValue(BigInteger.Parse(Encoding.UTF8.GetString(text), CultureInfo.InvariantCulture));
    }

    /// <summary>The property name the reader is on, shared when it is one of the protocol's.</summary>
    internal static string PropertyName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            foreach (var (bytes, name) in KnownNameBytes)
            {
                if (reader.ValueSpan.SequenceEqual(bytes))
                {
                    return name;
                }
            }
        }

        return reader.GetString()!;
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
}
