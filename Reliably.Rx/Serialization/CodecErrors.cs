using System.Text;

namespace Reliably.Rx.Serialization;

/// <summary>
/// How the codecs fail: always an <see cref="AblyException"/> with 40000 (malformed frame or body), so the caller can
/// treat any decoding problem as one kind of protocol error. The message never quotes the payload.
/// </summary>
internal static class CodecErrors
{
    /// <summary>Strict UTF-8: invalid byte sequences are malformed input, not silently replaced.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Nesting deeper than this is rejected rather than recursed into: anywhere in a JSON document, and in msgpack
    /// values read as JSON trees (extras, state, map/array data). Unknown msgpack values are skipped iteratively and
    /// may nest arbitrarily deep.
    /// </summary>
    public const int MaxDepth = 64;

    public static AblyException Malformed(string message, Exception? inner = null) =>
        new(ErrorCodes.BadRequest, 400, message, inner);

    public static AblyException WrongType(string field, string expected, string actual) =>
        Malformed($"Field '{field}' must be {expected}, not {actual}.");

    /// <summary>
    /// Maps whatever a parser threw to the codec's error; an <see cref="AblyException"/> passes through. The read
    /// methods catch every exception but OutOfMemory, so hostile input can only ever surface as 40000.
    /// </summary>
    public static AblyException Wrap(Exception ex, string what) =>
        ex as AblyException ?? Malformed($"Malformed {what}: {ex.GetType().Name}.", ex);
}

/// <summary>Conversions between the wire's millisecond numbers and .NET times, with range checks.</summary>
internal static class WireTime
{
    private const long MinUnixMs = -62_135_596_800_000;
    private const long MaxUnixMs = 253_402_300_799_999;
    private const long MaxSpanMs = long.MaxValue / TimeSpan.TicksPerMillisecond;

    public static DateTimeOffset ToDateTimeOffset(long ms, string field) =>
        ms is >= MinUnixMs and <= MaxUnixMs
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : throw CodecErrors.Malformed($"Field '{field}' is not a valid time in milliseconds.");

    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static TimeSpan ToTimeSpan(long ms, string field) =>
        ms is >= -MaxSpanMs and <= MaxSpanMs
            ? TimeSpan.FromTicks(ms * TimeSpan.TicksPerMillisecond)
            : throw CodecErrors.Malformed($"Field '{field}' is not a valid duration in milliseconds.");

    public static long ToMs(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMillisecond;
}
