using System.Buffers;
using System.Globalization;
using System.Text;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// Unescapes a JSON string's raw UTF-8 bytes into UTF-16 by hand, for the one case the reader cannot: a <c>\u</c>
/// escape of a lone surrogate. Such a surrogate becomes U+FFFD, as it always has here: the text could not be sent on
/// in either wire format (both carry UTF-8), and the rest of the string and of the frame is kept. The reader has
/// already validated the string's syntax and its UTF-8.
/// </summary>
internal static class JsonEscapes
{
    public static string Unescape(ReadOnlySpan<byte> raw)
    {
        var chars = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var n = 0;
            while (!raw.IsEmpty)
            {
                var backslash = raw.IndexOf((byte)'\\');
                var run = backslash < 0 ? raw : raw[..backslash];
                n += CodecErrors.StrictUtf8.GetChars(run, chars.AsSpan(n));
                if (backslash < 0)
                {
                    break;
                }

                raw = raw[(backslash + 1)..];
                if (raw.IsEmpty)
                {
                    throw CodecErrors.Malformed("A JSON string ends inside an escape.");
                }

                var escape = raw[0];
                raw = raw[1..];
                chars[n++] = escape switch
                {
                    (byte)'"' => '"',
                    (byte)'\\' => '\\',
                    (byte)'/' => '/',
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    (byte)'n' => '\n',
                    (byte)'r' => '\r',
                    (byte)'t' => '\t',
                    (byte)'u' => Hex(ref raw),
                    _ => throw CodecErrors.Malformed("A JSON string has an unknown escape."),
                };
            }

            ReplaceLoneSurrogates(chars.AsSpan(0, n));
            return new string(chars, 0, n);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static void ReplaceLoneSurrogates(Span<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = '\uFFFD';
            }
        }
    }

    private static char Hex(ref ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 4 || !ushort.TryParse(Encoding.ASCII.GetString(raw[..4]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw CodecErrors.Malformed("A JSON string has a malformed \\u escape.");
        }

        raw = raw[4..];
        return (char)code;
    }
}
