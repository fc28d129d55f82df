using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>Token revocation (RSA17): POST /keys/{keyName}/revokeTokens.</summary>
internal sealed partial class RestRouter
{
    private static readonly TimeSpan ReauthMargin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OldestIssuedBefore = TimeSpan.FromHours(1);

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
        if (body["targets"] is not JArray { Count: > 0 } targets)
        {
            throw ErrorInfo.BadRequest("targets must be a non-empty array of type:value strings");
        }

        var now = _server.NowMs;
        var issuedBefore = ReadIssuedBefore(body, now);

        // RSA17f: allowReauthMargin postpones the revocation by 30 s, and connections on the revoked tokens are asked to
        // re-authenticate (RTN22) at once, so that a client that can renew its token never loses its connection.
        var margin = body["allowReauthMargin"] is JValue { Type: JTokenType.Boolean } m && (bool)m ? ReauthMargin : TimeSpan.Zero;
        var appliesAt = now + (long)margin.TotalMilliseconds;
        var lastSerial = _server.Tokens.LastSerial;
        var results = new JArray();
        var accepted = new List<Revocation>();
        foreach (var item in targets)
        {
            var target = item.Type == JTokenType.String ? (string)item! : item.ToString(Newtonsoft.Json.Formatting.None);
            var colon = target.IndexOf(':');
            var type = colon > 0 ? target[..colon] : string.Empty;
            var value = colon > 0 ? target[(colon + 1)..] : string.Empty;
            if (item.Type != JTokenType.String || !Revocation.IsSupportedType(type) || value.Length == 0)
            {
                results.Add(new JObject
                {
                    ["target"] = target,
                    ["error"] = ErrorInfo.Create(40000, 400, "Invalid target type or value: expected clientId:<clientId> or revocationKey:<key>"),
                });
                continue;
            }

            var revocation = new Revocation(auth.Key, type, value, issuedBefore, appliesAt, lastSerial);
            _server.Tokens.Revoke(revocation);
            accepted.Add(revocation);
            results.Add(new JObject { ["target"] = target, ["appliesAt"] = appliesAt, ["issuedBefore"] = issuedBefore });
        }

        if (margin > TimeSpan.Zero)
        {
            foreach (var session in SessionsDesignatedBy(accepted))
            {
                session.Send(new JObject { ["action"] = Actions.Auth });
            }

            _server.Tokens.Schedule(margin, () => DisconnectRevoked(accepted));
        }
        else
        {
            DisconnectRevoked(accepted);
        }

        await x.WriteAsync(201, new JObject
        {
            ["successCount"] = accepted.Count,
            ["failureCount"] = targets.Count - accepted.Count,
            ["results"] = results,
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// issuedBefore defaults to now; Ably refuses one in the future or more than an hour in the past (whole request,
    /// 40003), as its documentation of the revocation options says.
    /// </summary>
    private static long ReadIssuedBefore(JObject body, long now)
    {
        var given = body["issuedBefore"];
        if (given is null || given.Type == JTokenType.Null)
        {
            return now;
        }

        if (given.Type is not (JTokenType.Integer or JTokenType.Float))
        {
            throw new AblyException(40003, 400, "issuedBefore must be a timestamp in milliseconds since the epoch");
        }

        var value = (long)given;
        if (value > now || value < now - (long)OldestIssuedBefore.TotalMilliseconds)
        {
            throw new AblyException(40003, 400, "issuedBefore must not be in the future nor more than an hour in the past");
        }

        return value;
    }

    private IEnumerable<State.Session> SessionsDesignatedBy(IReadOnlyList<Revocation> revocations) =>
        _server.Sessions.All
            .Where(s => s.Auth.Token is { } token && revocations.Any(r => r.Designates(token)))
            .ToList();

    /// <summary>
    /// RTN22a, RTN15h: a connection still using a revoked token is sent DISCONNECTED 40141 and its transport closed; the
    /// session stays resumable, so a client that can renew its token reconnects with a new one and resumes.
    /// </summary>
    private void DisconnectRevoked(IReadOnlyList<Revocation> revocations)
    {
        foreach (var session in SessionsDesignatedBy(revocations))
        {
            session.DisconnectTransport(ErrorInfo.Create(40141, 401, "Token revoked"));
        }
    }
}
