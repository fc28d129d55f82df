using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>Ably JWTs (HS256, <c>kid</c> = key name) signed with an emulator key, with the claims a test chooses.</summary>
internal static class TestJwt
{
    public static string Sign(EmulatorKey key, JObject claims)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = new JObject { ["typ"] = "JWT", ["alg"] = "HS256", ["kid"] = key.KeyName };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToString(Newtonsoft.Json.Formatting.None))) + "." + B64(Encoding.UTF8.GetBytes(claims.ToString(Newtonsoft.Json.Formatting.None)));
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key.Secret));
        return signingInput + "." + B64(hmac.ComputeHash(Encoding.ASCII.GetBytes(signingInput)));
    }
}
