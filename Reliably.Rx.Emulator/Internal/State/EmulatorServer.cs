using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>All emulator state: apps, tokens, sessions and armed faults.</summary>
internal sealed class EmulatorServer
{
    private readonly ConcurrentDictionary<string, EmulatorApp> _apps = new(StringComparer.Ordinal);

    public EmulatorServer(EmulatorOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        Ids = new Ids(options.Random);
        if (options.LoggerFactory is { } factory)
        {
            Logger = factory.CreateLogger("Reliably.Rx.Emulator");
        }

        Authenticator = new Authenticator(this);
        Tokens = new TokenStore(this);
        Sessions = new SessionRegistry(this);
        ConnectionKeySecret = Convert.FromHexString(Ids.Hex(32));
    }

    public EmulatorOptions Options { get; }

    /// <summary>Diagnostics (never keys, secrets or tokens).</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public TimeProvider Time { get; }

    /// <summary>The source of every random id the server makes.</summary>
    public Ids Ids { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public Authenticator Authenticator { get; }

    public TokenStore Tokens { get; }

    public SessionRegistry Sessions { get; }

    public FaultState Faults { get; } = new();

    /// <summary>Every realtime connection attempt, as it arrived.</summary>
    public ConnectionAttemptLog Attempts { get; } = new();

    /// <summary>Signs the connection keys this server issues (<see cref="ConnectionKeys"/>); made with the other ids.</summary>
    public byte[] ConnectionKeySecret { get; }

    /// <summary>Host, port and scheme the server listens on; set once Kestrel is bound.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; }

    public EmulatorApp? FindApp(string appId) =>
        _apps.TryGetValue(appId, out var app) && !app.Deleted ? app : null;

    public IEnumerable<EmulatorApp> Apps => _apps.Values.Where(a => !a.Deleted);

    /// <summary>
    /// Creates an app from a sandbox <c>post_apps</c> body (PROTOCOL.md 8): keys in request order (an empty key gets
    /// <c>{"*":["*"]}</c>), namespaces echoed, presence fixtures on their channels.
    /// </summary>
    public EmulatorApp CreateApp(JObject setup, string? fixedKey = null)
    {
        var appId = Ids.Alnum(6);
        var keys = new List<EmulatorKey>();
        var keySpecs = setup["keys"] as JArray ?? [new JObject()];
        if (keySpecs.Count == 0)
        {
            keySpecs.Add(new JObject());
        }

        if (fixedKey is not null)
        {
            var (fixedAppId, _, _) = KeyParser.Parse(fixedKey);
            if (FindApp(fixedAppId) is not null)
            {
                throw new ArgumentException("An app with id " + fixedAppId + " already exists.", nameof(fixedKey));
            }

            appId = fixedAppId;
        }

        for (var i = 0; i < keySpecs.Count; i++)
        {
            var spec = keySpecs[i] as JObject ?? throw ErrorInfo.BadRequest("Each key must be an object");
            var capToken = spec["capability"];
            var capText = capToken switch
            {
                null or { Type: JTokenType.Null } => "{\"*\":[\"*\"]}",
                { Type: JTokenType.String } => (string)capToken!,
                _ => capToken.ToString(Newtonsoft.Json.Formatting.None),
            };
            var parsed = Capability.Parse(capText);
            string keyId;
            string secret;
            if (i == 0 && fixedKey is not null)
            {
                var (_, keyName, fixedSecret) = KeyParser.Parse(fixedKey);
                keyId = keyName[(keyName.IndexOf('.') + 1)..];
                secret = fixedSecret;
            }
            else
            {
                keyId = Ids.Alnum(6);
                secret = Ids.Alnum(43);
            }

            keys.Add(new EmulatorKey(appId, keyId, secret, capText)
            {
                ParsedCapability = parsed,
                RevocableTokens = spec.Value<bool?>("revocableTokens") ?? false,
            });
        }

        var app = new EmulatorApp(appId, "acct" + Ids.Alnum(6), keys, setup["namespaces"] as JArray ?? [], this);
        if (setup["channels"] is JArray channels)
        {
            foreach (var c in channels.OfType<JObject>())
            {
                var name = c.Value<string?>("name") ?? throw ErrorInfo.BadRequest("Channel fixture requires a name");
                var channel = app.GetChannel(name);
                var fixtureConnection = "fixture" + Ids.Alnum(6);
                foreach (var member in (c["presence"] as JArray ?? []).OfType<JObject>())
                {
                    channel.AddFixtureMember((JObject)member.DeepClone(), fixtureConnection);
                }
            }
        }

        _apps[appId] = app;
        return app;
    }

    /// <summary>The sandbox reply to POST /apps (PROTOCOL.md 8), plus where this server lives.</summary>
    public JObject Describe(EmulatorApp app, JObject setup) => new()
    {
        ["appId"] = app.AppId,
        ["accountId"] = app.AccountId,
        ["keys"] = new JArray(app.Keys.Select(k => new JObject
        {
            ["id"] = k.KeyId,
            ["value"] = k.Secret,
            ["keyName"] = k.KeyName,
            ["keySecret"] = k.Secret,
            ["keyStr"] = k.KeyString,

            // Canonical (sorted) like the capability of a token issued with the key, so the two compare equal.
            ["capability"] = k.ParsedCapability.Text,
            ["revocableTokens"] = k.RevocableTokens,
        })),
        ["namespaces"] = app.Namespaces.DeepClone(),
        ["channels"] = setup["channels"]?.DeepClone() ?? new JArray(),
        ["connections"] = new JArray(),
        ["limits"] = setup["limits"]?.DeepClone() ?? new JObject(),
        ["endpoint"] = Host,
        ["port"] = Port,
        ["tls"] = Options.Tls,
    };

    public bool DeleteApp(EmulatorApp app)
    {
        if (!_apps.TryRemove(app.AppId, out _))
        {
            return false;
        }

        app.Deleted = true;
        foreach (var session in Sessions.All.Where(s => s.App == app).ToList())
        {
            session.Fail(ErrorInfo.Create(40400, 404, "Application deleted"));
        }

        return true;
    }
}
