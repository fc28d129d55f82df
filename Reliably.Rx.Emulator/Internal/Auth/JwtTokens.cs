using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>
/// Ably JWTs (PROTOCOL.md 7.2): HS256 signed with the key secret, header <c>kid</c> = keyName, claims
/// <c>x-ably-capability</c>, <c>x-ably-clientId</c>, <c>iat</c>, <c>exp</c> (seconds). Also external JWTs that embed an
/// Ably token (an Ably token string or an Ably JWT) in <c>x-ably-token</c>: in the JOSE header of a JWS or a JWE, or as
/// a JWS claim. Their own signature or encryption belongs to the customer and is not checked; the embedded token decides.
/// </summary>
internal static class JwtTokens
{
    public static bool LooksLikeJwt(string token) =>
        token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') is 2 or 4;

    public static TokenInfo Validate(string token, EmulatorServer server)
    {
        var parts = token.Split('.');
        var header = Section(parts[0]);
        if (header.Value<string?>("x-ably-token") is { Length: > 0 } embeddedInHeader)
        {
            return Embedded(embeddedInHeader, server);
        }

        if (parts.Length != 3)
        {
            throw Invalid("an encrypted JWT must carry an Ably token in its x-ably-token header");
        }

        var claims = Section(parts[1]);
        if (claims.Value<string?>("x-ably-token") is { Length: > 0 } embeddedInClaims)
        {
            return Embedded(embeddedInClaims, server);
        }

        if (header.Value<string?>("alg") != "HS256")
        {
            throw Invalid("only HS256 JWTs are supported");
        }

        var keyName = header.Value<string?>("kid") ?? throw Invalid("JWT header has no kid");
        var dot = keyName.IndexOf('.');
        var app = (dot > 0 ? server.FindApp(keyName[..dot]) : null)
            ?? throw new AblyException(40400, 404, "No application found with id " + (dot > 0 ? keyName[..dot] : keyName));
        var key = app.FindKey(keyName) ?? throw new AblyException(40400, 404, "No key found with name " + keyName);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key.Secret));
        var expected = hmac.ComputeHash(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        byte[] actual;
        try
        {
            actual = Base64Url(parts[2]);
        }
        catch (FormatException)
        {
            throw Invalid("malformed JWT signature");
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw Invalid("JWT signature mismatch");
        }

        var exp = claims.Value<long?>("exp") ?? throw Invalid("JWT has no exp");
        var iat = claims.Value<long?>("iat") ?? server.NowMs / 1000;
        if (exp * 1000 <= server.NowMs)
        {
            throw ErrorInfo.TokenExpired();
        }

        var capability = claims.Value<string?>("x-ably-capability");
        return new TokenInfo
        {
            Token = token,
            App = app,
            Key = key,
            Issued = iat * 1000,
            Expires = exp * 1000,
            Capability = string.IsNullOrEmpty(capability) ? key.ParsedCapability : key.ParsedCapability.Intersect(Capability.Parse(capability)),
            ClientId = claims.Value<string?>("x-ably-clientId"),
            RevocationKey = claims.Value<string?>("x-ably-revocation-key"),
        };
    }

    private static TokenInfo Embedded(string inner, EmulatorServer server) =>
        server.Tokens.FindOrValidateJwt(inner) ?? throw ErrorInfo.TokenUnrecognised();

    private static JObject Section(string part)
    {
        try
        {
            return (JObject)JsonTree.Read(Encoding.UTF8.GetString(Base64Url(part)));
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or AblyException or Newtonsoft.Json.JsonException)
        {
            throw Invalid("malformed JWT");
        }
    }

    private static AblyException Invalid(string why) => new(40144, 401, "Invalid JWT: " + why);

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => string.Empty, _ => throw new FormatException("bad base64url") };
        return Convert.FromBase64String(s);
    }
}
