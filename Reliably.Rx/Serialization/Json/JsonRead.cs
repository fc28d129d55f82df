using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// Typed reads over a <see cref="Utf8JsonReader"/> on the frame's UTF-8 bytes (no transcoding to UTF-16 except for the
/// strings the model keeps). Each helper advances to the next value, accepts <c>null</c> as "absent", and throws 40000
/// for a value of the wrong type or a truncated document.
/// </summary>
internal static class JsonRead
{
    /// <summary>
    /// What the reader accepts beyond strict JSON: trailing commas, and (see <see cref="Parse{T}"/>) comments, stepped
    /// over, as the codec always has. Nesting deeper than <see cref="CodecErrors.MaxDepth"/> is malformed.
    /// </summary>
    private static readonly JsonReaderOptions Strict = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = true,
        MaxDepth = CodecErrors.MaxDepth,
    };

    private static readonly JsonReaderOptions WithComments = Strict with { CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Reads one document from a reader positioned before its first token.</summary>
    public delegate T DocumentReader<out T>(ref Utf8JsonReader r);

    /// <summary>
    /// Reads a whole UTF-8 document (a leading byte order mark skipped) and rejects trailing content. The reader's
    /// comment-skipping mode costs about a tenth of the decode on every token, and no server sends comments, so the
    /// document is read without it first and read again with it only when that fails: a document with comments, or a
    /// malformed one, which then fails the same way in both modes.
    /// </summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8, DocumentReader<T> read)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        try
        {
            return ParseWith(utf8, Strict, read);
        }
        catch (JsonException)
        {
            return ParseWith(utf8, WithComments, read);
        }
    }

    private static T ParseWith<T>(ReadOnlySpan<byte> utf8, JsonReaderOptions options, DocumentReader<T> read)
    {
        var r = new Utf8JsonReader(utf8, options);
        var result = read(ref r);
        End(ref r);
        return result;
    }

    /// <summary>Advances to the next token.</summary>
    public static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            throw CodecErrors.Malformed("The JSON text ends early.");
        }
    }

    /// <summary>Advances to the value and returns true for a StartObject, false for null; anything else is an error.</summary>
    public static bool BeginObject(ref Utf8JsonReader r, string field)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.StartObject => true,
            JsonTokenType.Null => false,
            _ => throw CodecErrors.WrongType(field, "an object", r.TokenType.ToString()),
        };
    }

    /// <summary>Advances to the value and returns true for a StartArray, false for null; anything else is an error.</summary>
    public static bool BeginArray(ref Utf8JsonReader r, string field)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.StartArray => true,
            JsonTokenType.Null => false,
            _ => throw CodecErrors.WrongType(field, "an array", r.TokenType.ToString()),
        };
    }

    /// <summary>
    /// Inside an object: advances to the next property and returns its <see cref="WireNames"/> constant, the empty
    /// string for a name the codec does not know (the caller skips its value), or null at the end of the object.
    /// </summary>
    public static string? NextProperty(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndObject)
        {
            return null;
        }

        if (!r.ValueIsEscaped && !r.HasValueSequence)
        {
            return WireNames.Lookup(r.ValueSpan) ?? string.Empty;
        }

        // An escaped name ("n\u0061me") is rare: unescape it, then look it up.
        var name = PropertyName(ref r);
        return name.Length <= 32 ? WireNames.Lookup(System.Text.Encoding.UTF8.GetBytes(name)) ?? string.Empty : string.Empty;
    }

    /// <summary>Inside an object: advances to the next property and returns its name as text, or null at the end.</summary>
    public static string? NextPropertyName(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.EndObject ? null : PropertyName(ref r);
    }

    /// <summary>Inside an array: advances to the next element; false at the end.</summary>
    public static bool NextElement(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>Skips the value of the current property, whatever its type or nesting (RSF1: unknown fields are ignored).</summary>
    public static void SkipValue(ref Utf8JsonReader r)
    {
        Next(ref r);
        r.Skip();
    }

    public static string? String(ref Utf8JsonReader r, string field)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.String => Text(ref r),
            JsonTokenType.Null => null,
            _ => throw CodecErrors.WrongType(field, "a string", r.TokenType.ToString()),
        };
    }

    /// <summary>As the two-argument String, reusing the previous message's string when the bytes repeat.</summary>
    public static string? String(ref Utf8JsonReader r, string field, ref ReadOnlySpan<byte> lastBytes, ref string? last) =>
        PlainString(ref r, field, out var value) ? RepeatedStrings.Decode(r.ValueSpan, ref lastBytes, ref last) : value;

    /// <summary>As the two-argument String, for a field that usually repeats from frame to frame (<see cref="RecentStrings"/>).</summary>
    public static string? RecentString(ref Utf8JsonReader r, string field) =>
        PlainString(ref r, field, out var value) ? RecentStrings.Decode(r.ValueSpan) : value;

    /// <summary>As the two-argument String, for the channel field of a ProtocolMessage (<see cref="ChannelNames"/>).</summary>
    public static string? ChannelName(ref Utf8JsonReader r, string field) =>
        PlainString(ref r, field, out var value) ? ChannelNames.Decode(r.ValueSpan) : value;

    /// <summary>
    /// Moves to <paramref name="field"/>'s value. True when it is a string whose UTF-8 bytes are <c>r.ValueSpan</c> as they
    /// are (unescaped, in one segment), for the caller to decode its own way; otherwise false, with the value read (null,
    /// or an escaped or segmented string decoded in full). Any other token is the wrong type.
    /// </summary>
    private static bool PlainString(ref Utf8JsonReader r, string field, out string? value)
    {
        Next(ref r);
        switch (r.TokenType)
        {
            case JsonTokenType.String when !r.ValueIsEscaped && !r.HasValueSequence:
                value = null;
                return true;
            case JsonTokenType.String:
                value = Text(ref r);
                return false;
            case JsonTokenType.Null:
                value = null;
                return false;
            default:
                throw CodecErrors.WrongType(field, "a string", r.TokenType.ToString());
        }
    }

    public static long? Int64(ref Utf8JsonReader r, string field)
    {
        Next(ref r);
        return CurrentInt64(ref r, field);
    }

    public static long? CurrentInt64(ref Utf8JsonReader r, string field)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Number:
                if (r.TryGetInt64(out var l))
                {
                    return l;
                }

                if (!IsFloatText(ref r))
                {
                    throw CodecErrors.Malformed($"Field '{field}' is out of range.");
                }

                // Tolerated when integral: some encoders write every number as a double.
                var d = r.TryGetDouble(out var v) ? v : double.NaN;
                return d == Math.Floor(d) && d is >= -9.2233720368547748E+18 and < 9.2233720368547758E+18
                    ? (long)d
                    : throw CodecErrors.Malformed($"Field '{field}' must be an integer.");
            case JsonTokenType.Null:
                return null;
            default:
                throw CodecErrors.WrongType(field, "a number", r.TokenType.ToString());
        }
    }

    public static int? Int32(ref Utf8JsonReader r, string field)
    {
        var v = Int64(ref r, field);
        return v is null ? null
            : v is >= int.MinValue and <= int.MaxValue ? (int)v.Value
            : throw CodecErrors.Malformed($"Field '{field}' is out of range.");
    }

    public static bool? Boolean(ref Utf8JsonReader r, string field)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Null => null,
            _ => throw CodecErrors.WrongType(field, "a boolean", r.TokenType.ToString()),
        };
    }

    /// <summary>
    /// A map of strings (params, detail, metadata). Scalar values of other types are kept as their invariant text,
    /// nulls and nested values are dropped: these maps are advisory and must never fail a frame.
    /// </summary>
    public static Dictionary<string, string>? StringMap(ref Utf8JsonReader r, string field)
    {
        if (!BeginObject(ref r, field))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (NextPropertyName(ref r) is { } key)
        {
            Next(ref r);
            switch (r.TokenType)
            {
                case JsonTokenType.String:
                    map[key] = Text(ref r);
                    break;
                case JsonTokenType.Number:
                    map[key] = NumberText(ref r);
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    map[key] = r.TokenType == JsonTokenType.True ? "true" : "false";
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        return map;
    }

    /// <summary>Reads past the end of the top-level value and rejects trailing content.</summary>
    private static void End(ref Utf8JsonReader r)
    {
        if (r.Read())
        {
            throw CodecErrors.Malformed("Unexpected content after the JSON value.");
        }
    }

    /// <summary>The current string token's text.</summary>
    public static string Text(ref Utf8JsonReader r)
    {
        try
        {
            return r.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") has no UTF-8 form, so the reader refuses to unescape it. It is
            // valid JSON (JavaScript's JSON.stringify writes it), and one such string must not cost the whole frame:
            // unescape it by hand, the surrogate replaced with U+FFFD.
            return JsonEscapes.Unescape(Raw(ref r));
        }
    }

    /// <summary>The current property name's text.</summary>
    public static string PropertyName(ref Utf8JsonReader r) => Text(ref r);

    /// <summary>
    /// The current number as the value the JSON trees have always held: a long when it is an integer that fits, a
    /// <see cref="System.Numerics.BigInteger"/> when it is an integer that does not, otherwise a double.
    /// </summary>
    public static object Number(ref Utf8JsonReader r)
    {
        if (r.TryGetInt64(out var l))
        {
            return l;
        }

        if (!IsFloatText(ref r))
        {
            return System.Numerics.BigInteger.Parse(System.Text.Encoding.ASCII.GetString(Raw(ref r)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return r.TryGetDouble(out var d) ? d : throw CodecErrors.Malformed("A JSON number is out of range.");
    }

    private static string NumberText(ref Utf8JsonReader r) =>
        Convert.ToString(Number(ref r), CultureInfo.InvariantCulture)!;

    private static bool IsFloatText(ref Utf8JsonReader r)
    {
        var raw = Raw(ref r);
        return raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0;
    }

    private static ReadOnlySpan<byte> Raw(ref Utf8JsonReader r) =>
        r.HasValueSequence ? r.ValueSequence.ToArray() : r.ValueSpan;
}
