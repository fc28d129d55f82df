using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>
/// The routes of Ably's public test echo service (<c>echo.ably.io</c>), which SDK test suites use as an authUrl, to
/// mint JWTs and to get a chosen HTTP status, served locally so those suites run offline. A request reaches them when
/// its Host is <c>echo.ably.io</c> (a client redirected to this server) or its path starts with <c>/echo/</c>.
/// Like the real service, the echo host is not a realtime endpoint: WebSocket upgrades there are refused.
/// </summary>
internal static class EchoRoutes
{
    public const string Host = "echo.ably.io";
    private const string PathPrefix = "echo";

    /// <summary>True if the request is addressed to the echo service's host name.</summary>
    public static bool IsEchoHost(HttpContext context) =>
        string.Equals(context.Request.Host.Host, Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>The path below the echo service, or null when the request is not for it.</summary>
    public static string[]? EchoPath(RestExchange x) =>
        IsEchoHost(x.Context) ? x.Segments
        : x.Segments is [PathPrefix, .. var rest] ? rest
        : null;

    public static async Task HandleAsync(RestExchange x, string[] path, TimeProvider time)
    {
        var parameters = await ParametersAsync(x).ConfigureAwait(false);
        switch (path)
        {
            case []:
                await EchoAsync(x, parameters).ConfigureAwait(false);
                break;
            case ["qs_to_body"]:
                // The query string, as a JSON body: lets a test build a TokenRequest out of authUrl query params.
                await WriteAsync(x, 200, "application/json", Json(parameters, except: [])).ConfigureAwait(false);
                break;
            case ["respondwith"]:
                var status = Status(parameters) ?? 200;
                await WriteAsync(x, status, "text/plain", "Responded with status " + status.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                break;
            case ["methods"]:
                // Which HTTP method arrived, for clients checking they can send PUT, PATCH and DELETE (RSC19f).
                await WriteAsync(x, 200, "application/json", new JObject { ["method"] = x.Method.ToLowerInvariant() }.ToString(Newtonsoft.Json.Formatting.None)).ConfigureAwait(false);
                break;
            case ["createJWT"]:
                await CreateJwtAsync(x, parameters, time).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(x, 404, "text/plain", "No echo route /" + string.Join('/', path)).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// <c>/?type=json|text&amp;body=...&amp;status=...</c>: answers with <c>body</c> as JSON or text; without <c>body</c>,
    /// with the request's own params (query and form or JSON body) as a JSON object (an authUrl with authMethod POST).
    /// </summary>
    private static Task EchoAsync(RestExchange x, Dictionary<string, string> parameters)
    {
        var type = parameters.GetValueOrDefault("type") ?? "json";
        var contentType = type == "text" ? "text/plain" : "application/json";
        var body = parameters.TryGetValue("body", out var given) ? given : Json(parameters, except: ["type", "status"]);
        return WriteAsync(x, Status(parameters) ?? 200, contentType, body);
    }

    /// <summary>
    /// <c>/createJWT</c>: an Ably JWT signed with <c>keySecret</c> (header <c>kid</c> = <c>keyName</c>; claims
    /// <c>iat</c>, <c>exp</c> from <c>expiresIn</c> seconds, default 3600, <c>x-ably-capability</c>,
    /// <c>x-ably-clientId</c>). With <c>innerToken</c> it is instead an external JWT embedding that Ably token in
    /// <c>x-ably-token</c>; <c>encrypted=1</c> makes it a JWE whose protected header carries the embedded token.
    /// <c>returnType=jwt</c> answers as <c>application/jwt</c>, otherwise as text.
    /// </summary>
    private static Task CreateJwtAsync(RestExchange x, Dictionary<string, string> p, TimeProvider time)
    {
        if (!p.TryGetValue("keyName", out var keyName) || !p.TryGetValue("keySecret", out var keySecret))
        {
            return WriteAsync(x, 400, "text/plain", "createJWT requires keyName and keySecret");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var expiresIn = p.TryGetValue("expiresIn", out var e) && long.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 3600;
        var header = new JObject { ["typ"] = "JWT", ["alg"] = "HS256", ["kid"] = keyName };
        var claims = new JObject { ["iat"] = now, ["exp"] = now + expiresIn };
        string token;
        if (p.TryGetValue("innerToken", out var inner))
        {
            if (p.GetValueOrDefault("encrypted") is "1" or "true")
            {
                token = EncryptedJwt(keyName, keySecret, inner, claims);
            }
            else
            {
                claims["x-ably-token"] = inner;
                token = SignedJwt(header, claims, keySecret);
            }
        }
        else
        {
            claims["x-ably-capability"] = p.GetValueOrDefault("capability") ?? "{\"*\":[\"*\"]}";
            if (p.TryGetValue("clientId", out var clientId))
            {
                claims["x-ably-clientId"] = clientId;
            }

            token = SignedJwt(header, claims, keySecret);
        }

        return WriteAsync(x, 200, p.GetValueOrDefault("returnType") == "jwt" ? "application/jwt" : "text/plain", token);
    }

    private static string SignedJwt(JObject header, JObject claims, string secret)
    {
        var signingInput = Base64Url(header) + "." + Base64Url(claims);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>A compact JWE (alg dir, enc A256GCM, key = SHA-256 of the secret) with the embedded token in its header.</summary>
    private static string EncryptedJwt(string keyName, string secret, string innerToken, JObject claims)
    {
        var header = new JObject { ["typ"] = "JWT", ["alg"] = "dir", ["enc"] = "A256GCM", ["kid"] = keyName, ["x-ably-token"] = innerToken };
        var protectedHeader = Base64Url(header);
        var iv = RandomNumberGenerator.GetBytes(12);
        var plaintext = Encoding.UTF8.GetBytes(claims.ToString(Newtonsoft.Json.Formatting.None));
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), tag.Length))
        {
            aes.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(protectedHeader));
        }

        return string.Join('.', protectedHeader, string.Empty, Base64Url(iv), Base64Url(ciphertext), Base64Url(tag));
    }

    private static async Task<Dictionary<string, string>> ParametersAsync(RestExchange x)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in x.Query)
        {
            result[name] = values[^1] ?? string.Empty;
        }

        var request = x.Context.Request;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            foreach (var (name, values) in form)
            {
                result[name] = values[^1] ?? string.Empty;
            }
        }
        else if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            if (await x.ReadBodyAsync().ConfigureAwait(false) is JObject body)
            {
                foreach (var property in body.Properties())
                {
                    result[property.Name] = property.Value.Type == JTokenType.String ? (string)property.Value! : property.Value.ToString(Newtonsoft.Json.Formatting.None);
                }
            }
        }

        return result;
    }

    private static string Json(Dictionary<string, string> parameters, string[] except)
    {
        var body = new JObject();
        foreach (var (name, value) in parameters)
        {
            if (!except.Contains(name))
            {
                body[name] = value;
            }
        }

        return body.ToString(Newtonsoft.Json.Formatting.None);
    }

    private static int? Status(Dictionary<string, string> parameters) =>
        parameters.TryGetValue("status", out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            && status is >= 100 and <= 599 ? status : null;

    /// <summary>
    /// Answers the way the echo service (a general-purpose web app) does: with a charset on the content type. That
    /// matters for errors: ably-js parses an error body only when the content type is exactly application/json, so a
    /// custom error body from an authUrl leaves the HTTP status in charge (RSA4d: a 403 fails the connection).
    /// </summary>
    private static Task WriteAsync(RestExchange x, int status, string contentType, string body)
    {
        var response = x.Context.Response;
        response.StatusCode = status;
        response.ContentType = contentType + "; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }

    private static string Base64Url(JObject json) => Base64Url(Encoding.UTF8.GetBytes(json.ToString(Newtonsoft.Json.Formatting.None)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
