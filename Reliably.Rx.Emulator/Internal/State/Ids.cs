using System.Security.Cryptography;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Random identifiers. Alphanumeric only, so they never contain ':' (RSC1a) or '!' (connection key separator).</summary>
internal static class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Alnum(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    public static string Hex(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();
}
