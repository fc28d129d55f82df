using System.Text;
using Reliably.Rx.Encryption;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// The encoding chain on a bare (data, encoding) pair, shared by messages and presence messages (RSL4, RSL6,
/// PROTOCOL.md 3.3). Steps are appended left to right when encoding and undone right to left when decoding.
/// </summary>
internal static class PayloadTransform
{
    public const string Json = "json";
    public const string Utf8 = "utf-8";
    public const string LegacyUtf8 = "utf8";
    public const string Base64 = MessageSize.Base64Encoding;
    public const string CipherPrefix = "cipher+";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>RSL4: JSON → text + json; with a cipher, text → UTF-8 + utf-8, then AES + cipher step; on JSON, bytes → base64.</summary>
    /// <exception cref="AblyException">
    /// 40013 when the data cannot be encoded: an object JSON.NET cannot serialize, or text with an unpaired surrogate,
    /// which has no UTF-8 form and would otherwise reach subscribers silently replaced by U+FFFD.
    /// </exception>
    public static (object? Data, string? Encoding) Encode(object? data, string? encoding, CipherParams? cipher, WireFormat format)
    {
        // A JSON null, string or bytes value is sent as what it holds.
        data = JsonPayload.Unwrap(data);
        switch (data)
        {
            case null:
                return (null, encoding);
            case string:
            case byte[]:
                break;
            case ReadOnlyMemory<byte> rom:
                data = rom.ToArray();
                break;
            case ArraySegment<byte> segment:
                data = segment.ToArray();
                break;
            default:
                // RSL4d3: JSON objects and arrays (and POCOs, which serialize to objects) are sent as JSON text.
                data = JsonPayload.ToText(data);
                encoding = Append(encoding, Json);
                break;
        }

        if (data is string wire)
        {
            EnsureWellFormed(wire);
        }

        if (cipher is not null)
        {
            // RSL5: strings are encrypted as their UTF-8 bytes, with a utf-8 step so the receiver restores a string.
            if (data is string text)
            {
                data = System.Text.Encoding.UTF8.GetBytes(text);
                encoding = Append(encoding, Utf8);
            }

            data = AesCbcCipher.Encrypt(cipher, (byte[])data);
            encoding = Append(encoding, cipher.EncodingStep);
        }

        if (format == WireFormat.Json && data is byte[] bytes)
        {
            // RSL4d1: the JSON format has no binary type.
            data = Convert.ToBase64String(bytes);
            encoding = Append(encoding, Base64);
        }

        return (data, encoding);
    }

    /// <summary>
    /// RSL6: undoes the steps from the right. Stops at the first step it cannot undo (an unknown step, no or the wrong
    /// cipher key, corrupt data) and reports why; the data is then as far as it got and the encoding keeps every step
    /// not undone (RSL6b). Never throws.
    /// </summary>
    public static ErrorInfo? Decode(ref object? data, ref string? encoding, CipherParams? cipher)
    {
        if (string.IsNullOrEmpty(encoding))
        {
            encoding = null;
            return null;
        }

        var remaining = encoding;
        while (remaining.Length > 0)
        {
            var slash = remaining.LastIndexOf('/');
            var step = slash < 0 ? remaining : remaining[(slash + 1)..];
            var failure = Undo(step, ref data, cipher);
            if (failure is not null)
            {
                encoding = remaining;
                return new ErrorInfo(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                    $"Could not decode the '{step}' step of encoding '{remaining}': {failure}.");
            }

            remaining = slash < 0 ? string.Empty : remaining[..slash];
        }

        encoding = null;
        return null;
    }

    /// <summary>Undoes one step; null on success, else why it could not be undone (data is then unchanged).</summary>
    private static string? Undo(string step, ref object? data, CipherParams? cipher)
    {
        switch (step)
        {
            case "":
                return null;
            case Base64:
                if (data is not string b64)
                {
                    return data is byte[] ? null : "the data is not base64 text";
                }

                // Canonical base64 (no whitespace) decodes into an exact-size array with no second copy (F7); anything
                // else takes the general path, which accepts what Convert accepts.
                if (b64.Length % 4 == 0)
                {
                    var padding = b64.EndsWith("==", StringComparison.Ordinal) ? 2 : b64.EndsWith('=') ? 1 : 0;
                    var exact = new byte[(b64.Length / 4 * 3) - padding];
                    if (Convert.TryFromBase64String(b64, exact, out var decoded) && decoded == exact.Length)
                    {
                        data = exact;
                        return null;
                    }
                }

                var buffer = new byte[(b64.Length * 3 / 4) + 3];
                if (!Convert.TryFromBase64String(b64, buffer, out var written))
                {
                    return "the data is not valid base64";
                }

                data = buffer.AsSpan(0, written).ToArray();
                return null;
            case Utf8 or LegacyUtf8:
                switch (data)
                {
                    case string:
                        return null;
                    case byte[] utf8:
                        try
                        {
                            data = StrictUtf8.GetString(utf8);
                            return null;
                        }
                        catch (DecoderFallbackException)
                        {
                            return "the data is not valid UTF-8";
                        }

                    default:
                        return "the data is not binary";
                }

            case Json:
                return UndoJson(ref data);
            default:
                return step.StartsWith(CipherPrefix, StringComparison.Ordinal)
                    ? UndoCipher(step, ref data, cipher)
                    : "the step is not supported";
        }
    }

    private static string? UndoJson(ref object? data)
    {
        if (JsonPayload.IsTree(data))
        {
            return null;
        }

        string text;
        switch (data)
        {
            case string s:
                text = s;
                break;
            case byte[] b:
                try
                {
                    text = StrictUtf8.GetString(b);
                }
                catch (DecoderFallbackException)
                {
                    return "the data is not valid UTF-8";
                }

                break;
            default:
                return "the data is not JSON text";
        }

        if (JsonPayload.Parse(text, out var tree) is { } failure)
        {
            return failure;
        }

        data = tree;
        return null;
    }

    private static string? UndoCipher(string step, ref object? data, CipherParams? cipher)
    {
        // cipher+<algorithm>-<keyLength>-<mode>, e.g. cipher+aes-256-cbc (RSL6a).
        if (cipher is null)
        {
            return "no cipher is configured for this channel";
        }

        if (!string.Equals(step, cipher.EncodingStep, StringComparison.Ordinal))
        {
            return $"the channel's cipher is {cipher.EncodingStep[CipherPrefix.Length..]}";
        }

        if (data is not byte[] payload)
        {
            return "the data is not binary";
        }

        var plain = AesCbcCipher.TryDecrypt(cipher, payload, out var failure);
        if (plain is null)
        {
            return failure;
        }

        data = plain;
        return null;
    }

    /// <summary>Throws 40013 for an unpaired UTF-16 surrogate: both wire formats carry text as UTF-8, which cannot hold one.</summary>
    private static void EnsureWellFormed(string text)
    {
        var span = text.AsSpan();
        var at = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            if (!char.IsHighSurrogate(span[at]) || at + 1 >= span.Length || !char.IsLowSurrogate(span[at + 1]))
            {
                throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                    $"Message data is not valid Unicode text: an unpaired surrogate at index {at} has no UTF-8 form.");
            }

            var next = span[(at + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
            at = next < 0 ? -1 : at + 2 + next;
        }
    }

    private static string Append(string? encoding, string step) =>
        string.IsNullOrEmpty(encoding) ? step : encoding + "/" + step;
}
