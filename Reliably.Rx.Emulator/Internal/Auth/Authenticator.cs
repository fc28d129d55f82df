using System.Security.Cryptography;
using System.Text;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>Validates keys and tokens (RSA1–RSA4, RSA11) against the emulator's apps.</summary>
internal sealed class Authenticator
{
    private readonly EmulatorServer _server;

    public Authenticator(EmulatorServer server) => _server = server;

    public AuthContext FromKey(string key, string? clientId)
    {
        // An API key of an unknown app is invalid credentials (40101); an unknown key name in a known app is, as Ably
        // answers it, 40400 "key not found" with status 401 (RSA4; ably-js's suites check both against the sandbox).
        var (appId, keyName, secret) = KeyParser.Parse(key);
        var app = _server.FindApp(appId) ?? throw new AblyException(40101, 401, "Invalid credentials: no application with id " + appId);
        var found = app.FindKey(keyName) ?? throw new AblyException(40400, 401, "No key found: no key named " + keyName);
        if (!FixedEquals(found.Secret, secret))
        {
            throw new AblyException(40101, 401, "Invalid credentials: key secret mismatch");
        }

        if (clientId == "*")
        {
            throw new AblyException(40012, 400, "Invalid clientId: '*' cannot be used as an identity with basic auth");
        }

        return new AuthContext(app, found, found.ParsedCapability, string.IsNullOrEmpty(clientId) ? null : clientId, null);
    }

    public AuthContext FromToken(string token, string? clientId)
    {
        var info = _server.Tokens.FindOrValidateJwt(token) ?? throw ErrorInfo.TokenUnrecognised();
        if (info.App.Deleted)
        {
            throw ErrorInfo.TokenUnrecognised();
        }

        if (_server.Tokens.IsRevoked(info))
        {
            throw new AblyException(40141, 401, "Token revoked");
        }

        if (info.Expires <= _server.NowMs)
        {
            throw ErrorInfo.TokenExpired();
        }

        var identity = info.ClientId;
        if (!string.IsNullOrEmpty(clientId))
        {
            // RSA15: a requested clientId must agree with the token's (a wildcard token lets the client choose); Ably
            // answers a disagreement as incompatible credentials (40102), as for a library-detected one (RSA15c).
            if (identity == "*")
            {
                identity = clientId;
            }
            else if (identity != clientId)
            {
                throw new AblyException(40102, 401, $"Mismatched clientId: token has '{identity}', connection requested '{clientId}'");
            }
        }

        return new AuthContext(info.App, info.Key, info.Capability, identity, info);
    }

    /// <summary>REST Authorization header (RSA3): Basic base64(key) or Bearer token, raw or base64.</summary>
    public AuthContext FromAuthorizationHeader(string? header, string? clientId, bool isTls)
    {
        if (string.IsNullOrEmpty(header))
        {
            throw new AblyException(40101, 401, "Authentication required: no credentials supplied");
        }

        var space = header.IndexOf(' ');
        var scheme = space > 0 ? header[..space] : header;
        var value = space > 0 ? header[(space + 1)..].Trim() : string.Empty;
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (_server.Options.StrictBasicAuth && !isTls)
            {
                throw InsecureBasic();
            }

            string key;
            try
            {
                key = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            }
            catch (FormatException)
            {
                throw new AblyException(40101, 401, "Invalid Basic credentials encoding");
            }

            return FromKey(key, clientId);
        }

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            if (_server.Tokens.Find(value) is null && !JwtTokens.LooksLikeJwt(value) && TryBase64(value) is { } decoded
                && (_server.Tokens.Find(decoded) is not null || JwtTokens.LooksLikeJwt(decoded)))
            {
                value = decoded;
            }

            return FromToken(value, clientId);
        }

        throw new AblyException(40101, 401, "Unsupported authorization scheme " + scheme);
    }

    public static AblyException InsecureBasic() =>
        new(40103, 401, "Invalid use of Basic authentication over non-TLS transport");

    public static string Mac(string secret, string text)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(text)));
    }

    public static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string? TryBase64(string value)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
