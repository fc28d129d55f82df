using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>Token revocation (RSA17): POST /keys/{keyName}/revokeTokens.</summary>
internal sealed partial class RestRouter
{
    private static readonly TimeSpan ReauthMargin = TimeSpan.FromSeconds(30);

    private async Task RevokeTokensAsync(RestExchange x, string keyName)
    {
        var auth = Authenticate(x);
        if (!auth.IsBasic)
        {
            throw new AblyException(40162, 401, "Token revocation requires Basic authentication");
        }

        if (auth.Key.KeyName != keyName)
        {
            throw new AblyException(40133, 401, "Tokens can only be revoked with the key that issued them");
        }

        if (!auth.Key.RevocableTokens)
        {
            throw new AblyException(40163, 400, "Token revocation is not enabled for key " + keyName);
        }

        var body = await x.ReadBodyAsync().ConfigureAwait(false) as JObject ?? throw ErrorInfo.BadRequest("Body must be an object with targets");
        var targets = body["targets"] as JArray ?? throw ErrorInfo.BadRequest("targets is required");
        var now = _server.NowMs;
        var issuedBefore = body["issuedBefore"]?.Type == JTokenType.Integer ? (long)body["issuedBefore"]! : now;

        // RSA17f: allowReauthMargin delays the revocation by 30 s, so clients have time to get a new token first.
        var margin = body["allowReauthMargin"] is JValue { Type: JTokenType.Boolean } m && (bool)m ? ReauthMargin : TimeSpan.Zero;
        var appliesAt = now + (long)margin.TotalMilliseconds;
        var results = new JArray();
        var clientIds = new List<string>();
        foreach (var target in targets.Select(t => (string?)t ?? string.Empty))
        {
            var colon = target.IndexOf(':');
            var type = colon > 0 ? target[..colon] : string.Empty;
            var value = colon > 0 ? target[(colon + 1)..] : string.Empty;
            if (type != "clientId" || value.Length == 0)
            {
                results.Add(new JObject { ["target"] = target, ["error"] = ErrorInfo.Create(40000, 400, "Unsupported revocation target (only clientId:<id>)") });
                continue;
            }

            clientIds.Add(value);
            results.Add(new JObject { ["target"] = target, ["appliesAt"] = appliesAt, ["issuedBefore"] = issuedBefore });
        }

        var key = auth.Key;
        void Revoke()
        {
            var revoked = _server.Tokens.All
                .Where(t => t.Key == key && t.ClientId is { } id && clientIds.Contains(id) && t.Issued <= issuedBefore && !t.Revoked)
                .ToList();
            foreach (var token in revoked)
            {
                token.Revoked = true;
            }

            // Connections on a revoked token are disconnected with a token error, so clients renew and resume.
            foreach (var session in _server.Sessions.All.Where(s => s.Auth.Token is { } t && revoked.Contains(t)).ToList())
            {
                session.DisconnectTransport(ErrorInfo.Create(40141, 401, "Token revoked"));
            }
        }

        if (margin > TimeSpan.Zero)
        {
            _server.Tokens.Schedule(margin, Revoke);
        }
        else
        {
            Revoke();
        }

        var success = clientIds.Count;
        await x.WriteAsync(201, new JObject { ["successCount"] = success, ["failureCount"] = targets.Count - success, ["results"] = results }).ConfigureAwait(false);
    }
}
