using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>App-level routes: sandbox provisioning, stats, token requests.</summary>
internal sealed partial class RestRouter
{
    private static readonly TimeSpan TokenRequestWindow = TimeSpan.FromMinutes(10);

    private async Task CreateAppAsync(RestExchange x)
    {
        var setup = await x.ReadBodyAsync().ConfigureAwait(false) switch
        {
            null => new JObject(),
            JObject o => o,
            _ => throw ErrorInfo.BadRequest("POST /apps body must be an object"),
        };
        var app = _server.CreateApp(setup);
        await x.WriteAsync(201, _server.Describe(app, setup)).ConfigureAwait(false);
    }

    private async Task DeleteAppAsync(RestExchange x, string appId)
    {
        var auth = Authenticate(x);
        if (auth.App.AppId != appId)
        {
            throw new AblyException(40300, 403, "Credentials do not belong to app " + appId);
        }

        _server.DeleteApp(auth.App);
        await x.WriteAsync(204, null).ConfigureAwait(false);
    }

    private async Task PostStatsAsync(RestExchange x)
    {
        var auth = Authenticate(x);
        var body = await x.ReadBodyAsync().ConfigureAwait(false);
        var records = body switch
        {
            JObject o => [o],
            JArray a => a.Select(t => t as JObject ?? throw ErrorInfo.BadRequest("Each stats record must be an object")).ToList(),
            _ => throw ErrorInfo.BadRequest("Body must be a stats record or an array of them"),
        };
        foreach (var record in records)
        {
            auth.App.Stats.AddFixture(record);
        }

        await x.WriteAsync(201, new JArray()).ConfigureAwait(false);
    }

    private async Task StatsAsync(RestExchange x)
    {
        var auth = Authenticate(x);
        if (!auth.Capability.AllowsAnywhere("stats"))
        {
            throw ErrorInfo.CapabilityDenied("stats");
        }

        // RSC6b4: the interval unit; older clients (and ably-js's own suite) call the same parameter "by".
        var unit = x.Q("unit") ?? x.Q("by") ?? "minute";
        if (!StatsStore.IsUnit(unit))
        {
            throw new AblyException(40003, 400, "unit must be minute, hour, day or month");
        }

        // RSC6b1: start and end in milliseconds or as interval ids (yyyy-mm-dd:hh:mm and coarser).
        var start = x.Q("start") is { Length: > 0 } s ? StatsStore.ParseTime("start", s) : (long?)null;
        var end = x.Q("end") is { Length: > 0 } e ? StatsStore.ParseTime("end", e) : (long?)null;
        if (start > end)
        {
            throw new AblyException(40003, 400, "start must be before end");
        }

        var backwards = Pagination.Backwards(x);
        var limit = Pagination.Limit(x);
        var records = auth.App.Stats.Query(unit, start, end, auth.App.AppId, _server.NowMs);
        if (backwards)
        {
            records.Reverse();
        }

        var (page, next) = Pagination.Page(records, r => r.Start, x.QLong("from"), limit, backwards);
        Pagination.SetLinks(x, "stats", limit, backwards, next);
        await x.WriteAsync(200, new JArray(page.Select(p => p.Record))).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /keys/{keyName}/requestToken (RSA8): a signed TokenRequest (MAC verified exactly per RSA9 / PROTOCOL.md 7.2),
    /// or TokenParams authenticated with the key itself.
    /// </summary>
    private async Task RequestTokenAsync(RestExchange x, string keyName)
    {
        var body = await x.ReadBodyAsync().ConfigureAwait(false) as JObject ?? new JObject();
        var dot = keyName.IndexOf('.');
        var app = dot > 0 ? _server.FindApp(keyName[..dot]) : null;
        var key = app?.FindKey(keyName) ?? throw new AblyException(40400, 404, "No key found with name " + keyName);
        string? clientId = Text(body["clientId"]);
        long? ttl = body["ttl"] is { Type: not JTokenType.Null } ttlToken ? ParseLong(ttlToken, "ttl") : null;
        var capability = Text(body["capability"]);

        if (body["mac"] is not null)
        {
            if (Text(body["keyName"]) != keyName)
            {
                throw new AblyException(40101, 401, "TokenRequest keyName does not match the request path");
            }

            var timestampText = Text(body["timestamp"]) ?? throw new AblyException(40101, 401, "TokenRequest requires a timestamp");
            var timestamp = ParseLong(body["timestamp"]!, "timestamp");
            var nonce = Text(body["nonce"]) ?? string.Empty;
            var signed = string.Join('\n', keyName, Text(body["ttl"]) ?? string.Empty, capability ?? string.Empty, clientId ?? string.Empty, timestampText, nonce) + "\n";
            var expected = Authenticator.Mac(key.Secret, signed);
            if (!Authenticator.FixedEquals(expected, Text(body["mac"]) ?? string.Empty))
            {
                throw new AblyException(40101, 401, "Invalid TokenRequest: mac does not match");
            }

            if (Math.Abs(_server.NowMs - timestamp) > TokenRequestWindow.TotalMilliseconds)
            {
                throw new AblyException(40104, 401, "TokenRequest timestamp outside the permitted window");
            }

            if (nonce.Length < 16)
            {
                throw new AblyException(40000, 400, "TokenRequest nonce must be at least 16 characters");
            }

            if (!_server.Tokens.TryUseNonce(keyName, nonce, timestamp))
            {
                throw new AblyException(40105, 401, "TokenRequest nonce already used");
            }
        }
        else
        {
            var auth = Authenticate(x);
            if (!auth.IsBasic || auth.Key.KeyName != keyName)
            {
                throw new AblyException(40101, 401, "TokenParams must be authenticated with the key " + keyName);
            }
        }

        var token = _server.Tokens.Issue(key, app!, ttl, capability, clientId);
        var details = new JObject
        {
            ["token"] = token.Token,
            ["keyName"] = keyName,
            ["issued"] = token.Issued,
            ["expires"] = token.Expires,
            ["capability"] = token.Capability.Text,
        };
        if (token.ClientId is not null)
        {
            details["clientId"] = token.ClientId;
        }

        await x.WriteAsync(200, details).ConfigureAwait(false);
    }

    /// <summary>A field's text exactly as sent (numbers as decimal integers), for MAC verification.</summary>
    private static string? Text(JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        { Type: JTokenType.String } => (string?)token,
        { Type: JTokenType.Integer } => ((long)token).ToString(CultureInfo.InvariantCulture),
        { Type: JTokenType.Float } => ((double)token).ToString("R", CultureInfo.InvariantCulture),
        _ => token.ToString(Newtonsoft.Json.Formatting.None),
    };

    private static long ParseLong(JToken token, string name) => token.Type switch
    {
        JTokenType.Integer => (long)token,
        JTokenType.String when long.TryParse((string?)token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new AblyException(40003, 400, $"Invalid {name}"),
    };
}
