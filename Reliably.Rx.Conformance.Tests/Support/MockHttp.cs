using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The REST specs' <c>MockHttpClient</c> (uts/rest/unit/helpers/mock_http.md) on a <see cref="ScriptedAbly"/> and its
/// <see cref="TestScheduler"/>: <c>onRequest</c> is <see cref="ScriptedAbly.OnHttpRequest"/>, <c>captured_requests</c> is
/// <see cref="Requests"/>, <c>req.respond_with(status, json)</c> is <see cref="ScriptedHttpRequest.RespondWith(int, string?, IReadOnlyDictionary{string, string}?, TimeSpan)"/>.
/// </summary>
/// <remarks>
/// The specs' <c>now()</c> is the scheduler's clock, which starts at <see cref="Start"/> (a real date, so that
/// <c>now() - 1000</c> and token expiries are ordinary timestamps). Clients speak JSON unless a case asks for msgpack:
/// "specs without a Protocol Variants header default to JSON only" (uts/docs/writing-test-specs.md).
/// </remarks>
public sealed class MockHttp
{
    /// <summary>The virtual time every case starts at: 2023-11-14T22:13:20Z.</summary>
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    /// <summary>A scripted server on a new scheduler set to <see cref="Start"/>; <paramref name="onRequest"/> answers each request.</summary>
    public MockHttp(Action<ScriptedHttpRequest>? onRequest = null)
    {
        Scheduler = new TestScheduler();
        Scheduler.AdvanceTo(Start.UtcTicks);
        Server = new ScriptedAbly(Scheduler) { OnHttpRequest = onRequest };
    }

    /// <summary>The fake timers.</summary>
    public TestScheduler Scheduler { get; }

    /// <summary>The scripted server.</summary>
    public ScriptedAbly Server { get; }

    /// <summary><c>captured_requests</c>: every request, in the order they reached the server.</summary>
    public IReadOnlyList<ScriptedHttpRequest> Requests => Server.HttpRequests;

    /// <summary>The specs' <c>"prefix-${random_id()}"</c>: a channel name of its own for each case.</summary>
    public static string RandomName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The specs' <c>now()</c>.</summary>
    public DateTimeOffset Now => Scheduler.Now;

    /// <summary><c>now()</c> plus <paramref name="milliseconds"/>, in milliseconds since the epoch (for JSON bodies).</summary>
    public long NowMs(long milliseconds = 0) => Scheduler.Now.ToUnixTimeMilliseconds() + milliseconds;

    /// <summary>
    /// <c>Rest(options: ClientOptions(...))</c>: the key <c>appId.keyId:keySecret</c>, JSON, the scripted transport and
    /// scheduler, then <paramref name="configure"/>.
    /// </summary>
    public AblyRest Rest(Func<ClientOptions, ClientOptions>? configure = null)
    {
        var options = Server.CreateOptions() with { UseBinaryProtocol = false };
        return new AblyRest(configure is null ? options : configure(options));
    }

    /// <summary>Options as <see cref="Rest"/> would use them, for cases that construct the client themselves.</summary>
    public ClientOptions Options(Func<ClientOptions, ClientOptions>? configure = null)
    {
        var options = Server.CreateOptions() with { UseBinaryProtocol = false };
        return configure is null ? options : configure(options);
    }

    /// <summary><c>AWAIT op()</c>.</summary>
    public T Await<T>(Task<T> task) => Scheduler.Await(task);

    /// <summary><c>AWAIT op()</c>.</summary>
    public void Await(Task task) => Scheduler.Await(task);

    /// <summary><c>AWAIT op() FAILS WITH error</c>.</summary>
    public AblyException AwaitFailure(Task task) => Scheduler.AwaitFailure(task);

    /// <summary>An <c>authCallback</c> that answers at once with what <paramref name="callback"/> returns.</summary>
    public static Func<TokenParams, CancellationToken, Task<object>> Callback(Func<TokenParams, object> callback) =>
        (tokenParams, _) => Task.FromResult(callback(tokenParams));

    /// <summary><c>TokenDetails(token, expires: now() + ttl)</c>.</summary>
    public TokenDetails Token(string token, long ttlMs = 3_600_000, string? clientId = null) =>
        new(token) { Expires = Now.AddMilliseconds(ttlMs), ClientId = clientId };

    /// <summary>A TokenDetails JSON body expiring <paramref name="ttlMs"/> from now.</summary>
    public string TokenJson(string token, long ttlMs = 3_600_000, string? clientId = null, string? keyName = null)
    {
        var json = new JObject { ["token"] = token, ["expires"] = NowMs(ttlMs) };
        if (keyName is not null)
        {
            json["keyName"] = keyName;
        }

        if (clientId is not null)
        {
            json["clientId"] = clientId;
        }

        return json.ToString(Newtonsoft.Json.Formatting.None);
    }

    /// <summary><c>parse_json(request.body)</c>.</summary>
    public static JToken Body(ScriptedHttpRequest request) => JToken.Parse(request.BodyText);

    /// <summary>An Ably error body, <c>{"error": {code, statusCode, message}}</c>.</summary>
    public static string Error(int code, int statusCode, string message) =>
        new JObject { ["error"] = new JObject { ["code"] = code, ["statusCode"] = statusCode, ["message"] = message } }.ToString(Newtonsoft.Json.Formatting.None);

    /// <summary>A channel status body (RSL8) with every metric zero.</summary>
    public const string ChannelStatus = """{"channelId":"test","status":{"isActive":true}}""";
}
