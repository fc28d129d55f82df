using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration.Proxy;

/// <summary>
/// uts/realtime/integration/proxy/rest_faults.md (RSC10, RSC15m, REC2c2, RTL6): REST requests answered with an injected
/// error by the emulator; the proxy's HTTP log is the client's own (<see cref="HttpLog"/>).
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/proxy/rest_faults.md")]
public sealed class RestFaultsTests : EmulatorSandbox
{
    private const string ClientSideHttpLog = "the proxy's HTTP log is recorded by a handler in front of the client's HTTP handler";

    // UTS: realtime/proxy/RSC10/token-renewal-on-401-0
    [Test]
    [Adapted(ClientSideHttpLog)]
    public async Task RSC10_TokenRenewalOnHttp401()
    {
        var authCallbackCount = new Counter();
        Emulator.Faults.FailRestRequests(401, count: 1, pathPrefix: "/channels/", error: new EmulatorError(40142, 401, "Token expired"));
        var log = new HttpLog();
        var client = Rest(TokenOptions(o => o with { AuthCallback = TokenFromInnerRest(authCallbackCount), HttpMessageHandlerFactory = log.HandlerFactory }));
        var channel = client.Channels.Get("test-RSC10-token-renewal-" + Guid.NewGuid().ToString("N")[..12]);

        await channel.PublishAsync("test-event", "hello").WaitAsync(Wait);

        Assert.That(authCallbackCount.Value, Is.GreaterThanOrEqualTo(2));
        var channelRequests = log.Exchanges.Where(e => e.Path.Contains("/channels/", StringComparison.Ordinal)).ToList();
        Assert.That(channelRequests, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(channelRequests[0].Status, Is.EqualTo(401));
        Assert.That(channelRequests[1].Status, Is.EqualTo(200).Or.EqualTo(201));
    }

    // UTS: realtime/proxy/RSC15m/http-503-no-fallback-0
    [Test]
    [Adapted(ClientSideHttpLog)]
    public void RSC15m_REC2c2_Http503WithFallbackHostsDisabled()
    {
        Emulator.Faults.FailRestRequests(503, count: 1, pathPrefix: "/channels/", error: new EmulatorError(50300, 503, "Service temporarily unavailable"));
        var log = new HttpLog();
        var client = Rest(TokenOptions(o => o with { AuthCallback = TokenFromInnerRest(null), HttpMessageHandlerFactory = log.HandlerFactory }));
        var channel = client.Channels.Get("test-RSC15m-503-error-" + Guid.NewGuid().ToString("N")[..12]);

        var error = Assert.ThrowsAsync<AblyException>(async () => await channel.PublishAsync("test-event", "hello").WaitAsync(Wait));

        Assert.That(error?.Code, Is.EqualTo(50300));
        Assert.That(error?.StatusCode, Is.EqualTo(503));
        Assert.That(log.Exchanges.Count(e => e.Path.Contains("/channels/", StringComparison.Ordinal)), Is.EqualTo(1), "no fallback attempt");
    }

    // UTS: realtime/proxy/RTL6/publish-history-through-proxy-0
    [Test]
    [Adapted(ClientSideHttpLog + "; history is read once: the emulator stores a message before it ACKs the publish")]
    public async Task RTL6_EndToEndPublishAndHistory()
    {
        var mark = AttemptMark();
        var log = new HttpLog();
        var realtimeClient = Realtime(JwtOptions());
        var restClient = Rest(TokenOptions(o => o with { AuthCallback = Jwt.Callback(ApiKey), HttpMessageHandlerFactory = log.HandlerFactory }));
        var channelName = "test-RTL6-publish-history-" + Guid.NewGuid().ToString("N")[..12];
        var realtimeChannel = realtimeClient.Channels.Get(channelName);
        var restChannel = restClient.Channels.Get(channelName);
        realtimeClient.Connection.Connect();
        await AwaitStateAsync(realtimeClient.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15) + Wait);
        await realtimeChannel.AttachAsync().WaitAsync(Wait);
        await AwaitStateAsync(realtimeChannel, ChannelState.Attached, TimeSpan.FromSeconds(10) + Wait);

        await realtimeChannel.PublishAsync("test-msg", "hello world").WaitAsync(Wait);
        var history = await restChannel.HistoryAsync().WaitAsync(Wait);

        Assert.That(history.Items, Has.Count.GreaterThanOrEqualTo(1));
        var publishedMsg = history.Items.FirstOrDefault(m => m.Name == "test-msg");
        Assert.That(publishedMsg, Is.Not.Null);
        Assert.That(publishedMsg!.Data, Is.EqualTo("hello world"));
        Assert.That(AttemptsSince(mark), Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(log.Exchanges, Has.Count.GreaterThanOrEqualTo(1));
    }

    /// <summary>The spec's authCallback: a token from an inner REST client with the key, whose requests are never faulted.</summary>
    private Func<TokenParams, CancellationToken, Task<object>> TokenFromInnerRest(Counter? calls) => async (_, ct) =>
    {
        calls?.Increment();
        await using var innerRest = new AblyRest(SandboxOptions());
        return await innerRest.Auth.RequestTokenAsync(cancellationToken: ct);
    };
}
