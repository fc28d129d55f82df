using System.Globalization;
using Reliably.Rx.Randomness;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// Client-assigned message ids (RSL1k1): url-safe base64 of 9 random bytes (from the client's random source), a fresh base per publish call, then ":" and
/// the message's index in the batch. The server drops a second publish of the same id, so a retry, or a resend after a
/// failed connection resume (RTN19a), cannot publish a message twice. Ids the caller set are kept.
/// </summary>
internal static class IdempotentIds
{
    /// <summary>
    /// REST (RSL1k1, RSL1k3): ids are generated only when no message of the publish has one; if any has, every id, present
    /// or absent, is sent as the caller gave it.
    /// </summary>
    public static void AssignIfNoneHasAnId(Message[] encoded, RandomSource random)
    {
        if (encoded.All(m => m.Id is null))
        {
            AssignMissing(encoded, random);
        }
    }

    /// <summary>Realtime (the library's own idempotent realtime publishing): each message without an id gets one.</summary>
    public static void AssignMissing(Message[] encoded, RandomSource random)
    {
        if (!encoded.Any(m => m.Id is null))
        {
            return;
        }

        var baseId = NewBase(random);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i].Id is null)
            {
                encoded[i].AssignIdIfMissing(string.Create(CultureInfo.InvariantCulture, $"{baseId}:{i}"));
            }
        }
    }

    /// <summary>RSAN1c4: the id of a single item published alone, its base then <c>:0</c>.</summary>
    public static string Single(RandomSource random) => NewBase(random) + ":0";

    /// <summary>9 random bytes as 12 url-safe base64 characters, built on the stack: one string allocated.</summary>
    private static string NewBase(RandomSource random)
    {
        Span<byte> bytes = stackalloc byte[9];
        random.Fill(bytes);
        Span<char> chars = stackalloc char[12];
        Convert.TryToBase64Chars(bytes, chars, out _);
        chars.Replace('+', '-');
        chars.Replace('/', '_');
        return new string(chars);
    }
}
