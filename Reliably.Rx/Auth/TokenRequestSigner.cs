using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reliably.Rx.Randomness;

namespace Reliably.Rx.Auth;

/// <summary>Signs token requests with a key secret (RSA9g, PROTOCOL.md 7.2).</summary>
internal static class TokenRequestSigner
{
    /// <summary>The minimum nonce length the server accepts (RSA9c).</summary>
    public const int MinNonceLength = 16;

    /// <summary>
    /// The text that is signed: keyName, ttl (ms), capability, clientId, timestamp (ms) and nonce, each followed by a
    /// newline, including the last; absent fields are empty (RSA9g).
    /// </summary>
    public static string SignedText(TokenRequest request)
    {
        var builder = new StringBuilder();
        builder.Append(request.KeyName).Append('\n');
        builder.Append(request.Ttl is { } ttl ? (ttl.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) : string.Empty).Append('\n');
        builder.Append(request.Capability ?? string.Empty).Append('\n');
        builder.Append(request.ClientId ?? string.Empty).Append('\n');
        builder.Append(request.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(request.Nonce).Append('\n');
        return builder.ToString();
    }

    /// <summary>base64(HMAC-SHA256(UTF-8(secret), UTF-8(signed text))).</summary>
    public static string ComputeMac(TokenRequest request, string secret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(SignedText(request)));
        return Convert.ToBase64String(mac);
    }

    /// <summary>A random nonce of 32 hex characters (RSA9c asks for at least 16).</summary>
    public static string NewNonce(RandomSource random) => random.Hex(16);
}
