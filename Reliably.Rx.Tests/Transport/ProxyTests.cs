using System.Net;
using System.Net.WebSockets;
using Reliably.Rx.Emulator;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// <see cref="ClientOptions.Proxy"/> end to end, against the in-process emulator and a loopback CONNECT proxy
/// (<see cref="LoopbackConnectProxy"/>): realtime through the proxy with both transports (one tunnel, then attach, publish
/// and receive), REST through it (absolute-URI requests for http, a tunnel for https), a proxy that bypasses the host or
/// has no address goes direct even when the system proxy points at the proxy, Basic proxy credentials, and a proxy that
/// refuses: a connect failure (RTN14, RTN17f), DISCONNECTED with 80003, or one that never answers: the attempt's timeout
/// (RTN14c, 50003), never a hang. Waits are on events, with timeouts.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ProxyTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly object[] Transports = [RealtimeTransportKind.WebsocketClient, RealtimeTransportKind.ClientWebSocket];

    private AblyEmulator _emulator = null!;
    private AblyEmulator _tlsEmulator = null!;

    [OneTimeSetUp]
    public async Task StartEmulators()
    {
        _emulator = await AblyEmulator.StartAsync(new EmulatorOptions()).WaitAsync(Wait);
        _tlsEmulator = await AblyEmulator.StartAsync(new EmulatorOptions { Tls = true }).WaitAsync(Wait);
    }

    [OneTimeTearDown]
    public async Task StopEmulators()
    {
        await _emulator.DisposeAsync();
        await _tlsEmulator.DisposeAsync();
    }

    private string Target => $"{_emulator.BaseUri.Host}:{_emulator.Port}";

    private string TlsTarget => $"{_tlsEmulator.BaseUri.Host}:{_tlsEmulator.Port}";

    private ClientOptions Options(RealtimeTransportKind transport, IWebProxy? proxy) => Options(_emulator, transport, proxy);

    /// <summary>Options for <paramref name="emulator"/> (its certificate pinned when it has one), with no fallback hosts.</summary>
    private static ClientOptions Options(AblyEmulator emulator, RealtimeTransportKind transport, IWebProxy? proxy) =>
        ClientOptions.ForEmulator(emulator.BaseUri, emulator.DefaultKey) with
        {
            TrustedServerCertificates = emulator.Certificate is { } certificate ? [certificate] : null,
            RealtimeTransport = transport,
            Proxy = proxy,
            HttpMaxRetryCount = 0,
        };

    [TestCaseSource(nameof(Transports))]
    public async Task Realtime_through_the_proxy_is_one_tunnel_that_connects_attaches_publishes_and_receives(RealtimeTransportKind transport)
    {
        await using var proxy = LoopbackConnectProxy.Start();
        await using var client = new AblyRealtime(Options(transport, proxy.AsWebProxy()));

        await PublishAndReceiveAsync(client, "proxy-" + transport);

        Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + Target }), "one tunnel to the realtime host, nothing else");
        Assert.That(proxy.TunnelsOpened, Is.EqualTo(1));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Realtime_over_TLS_through_the_proxy_keeps_the_pinned_certificate(RealtimeTransportKind transport)
    {
        await using var proxy = LoopbackConnectProxy.Start();
        await using var client = new AblyRealtime(Options(_tlsEmulator, transport, proxy.AsWebProxy()));

        await PublishAndReceiveAsync(client, "proxy-tls-" + transport);

        Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + TlsTarget }));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_proxy_that_bypasses_the_host_or_has_no_address_goes_direct_even_when_the_system_proxy_is_set(RealtimeTransportKind transport)
    {
        await using var proxy = LoopbackConnectProxy.Start();
        var systemProxy = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = proxy.AsWebProxy();
        try
        {
            // Without the option the system proxy applies: this proves the proxy would have been used.
            await using (var viaSystem = new AblyRealtime(Options(transport, proxy: null)))
            {
                await viaSystem.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
            }

            Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + Target }), "precondition: the system proxy points at the test proxy");

            var bypassing = new WebProxy(proxy.Address, BypassOnLocal: false, [System.Text.RegularExpressions.Regex.Escape(_emulator.BaseUri.Host)]);
            foreach (var direct in new IWebProxy[] { new WebProxy(), bypassing })
            {
                await using var client = new AblyRealtime(Options(transport, direct));
                await PublishAndReceiveAsync(client, "direct-" + transport);
            }

            Assert.That(proxy.Requests, Has.Count.EqualTo(1), "the direct clients did not go through the proxy");
        }
        finally
        {
            HttpClient.DefaultProxy = systemProxy;
        }
    }

    [Test]
    public async Task The_own_upgrade_runs_when_direct_and_ClientWebSocket_tunnels_through_the_proxy()
    {
        await using var proxy = LoopbackConnectProxy.Start();
        var uri = new Uri($"ws://{Target}/?key={Uri.EscapeDataString(_emulator.DefaultKey)}&format=json");

        var (direct, directBatching) = await WebSocketUpgrade.OpenAsync(uri, null, new WebProxy(), CancellationToken.None).WaitAsync(Wait);
        using (direct)
        {
            Assert.That(direct, Is.Not.InstanceOf<ClientWebSocket>(), "the client's own RFC 6455 upgrade");
            Assert.That(directBatching, Is.Not.Null);
        }

        var (tunnelled, tunnelledBatching) = await WebSocketUpgrade.OpenAsync(uri, null, proxy.AsWebProxy(), CancellationToken.None).WaitAsync(Wait);
        using (tunnelled)
        {
            Assert.That(tunnelled, Is.InstanceOf<ClientWebSocket>());
            Assert.That(tunnelledBatching, Is.Null);
            Assert.That(tunnelled.State, Is.EqualTo(WebSocketState.Open));
        }

        Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + Target }));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Basic_proxy_credentials_answer_the_407_and_the_connection_opens(RealtimeTransportKind transport)
    {
        var credentials = new NetworkCredential("proxy-user", "proxy-pass");
        await using var proxy = LoopbackConnectProxy.Start(requiredCredentials: credentials);
        await using var client = new AblyRealtime(Options(transport, proxy.AsWebProxy(credentials)));

        await PublishAndReceiveAsync(client, "proxy-auth-" + transport);

        // The runtime asks without credentials first and answers the 407's Basic challenge.
        Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + Target, "CONNECT " + Target }));
        Assert.That(proxy.TunnelsOpened, Is.EqualTo(1));
    }

    private static readonly object[] RefusingProxies =
    [
        new object[] { RealtimeTransportKind.WebsocketClient, "no credentials" },
        new object[] { RealtimeTransportKind.ClientWebSocket, "no credentials" },
        new object[] { RealtimeTransportKind.WebsocketClient, "wrong credentials" },
        new object[] { RealtimeTransportKind.ClientWebSocket, "wrong credentials" },
        new object[] { RealtimeTransportKind.WebsocketClient, "403" },
        new object[] { RealtimeTransportKind.ClientWebSocket, "403" },
        new object[] { RealtimeTransportKind.WebsocketClient, "502" },
        new object[] { RealtimeTransportKind.ClientWebSocket, "502" },
    ];

    [TestCaseSource(nameof(RefusingProxies))]
    public async Task RTN14d_RTN17f_a_proxy_that_refuses_the_tunnel_is_a_connect_failure(RealtimeTransportKind transport, string refusal)
    {
        var required = new NetworkCredential("proxy-user", "proxy-pass");
        await using var proxy = refusal switch
        {
            "403" => LoopbackConnectProxy.Start(refuseWith: 403),
            "502" => LoopbackConnectProxy.Start(refuseWith: 502),
            _ => LoopbackConnectProxy.Start(requiredCredentials: required),
        };
        var given = refusal == "wrong credentials" ? new NetworkCredential("proxy-user", "not-the-password") : null;
        var before = _emulator.GetConnections().Select(c => c.ConnectionId).ToHashSet();
        await using var client = new AblyRealtime(Options(transport, proxy.AsWebProxy(given)));

        var change = await client.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);

        Assert.That(change.Reason?.Code, Is.EqualTo(ErrorCodes.Disconnected), change.Reason?.ToString());
        Assert.That(change.RetryIn, Is.GreaterThan(TimeSpan.Zero), "it retries later, as after any failed connect");
        Assert.That(client.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(proxy.Requests, Is.Not.Empty.And.All.EqualTo("CONNECT " + Target), "the connection was attempted through the proxy");
        Assert.That(proxy.TunnelsOpened, Is.Zero);
        Assert.That(_emulator.GetConnections().Where(c => !before.Contains(c.ConnectionId)), Is.Empty, "nothing reached the server");
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN14c_a_proxy_that_never_answers_fails_the_attempt_at_the_realtime_request_timeout(RealtimeTransportKind transport)
    {
        await using var proxy = LoopbackConnectProxy.Start(silent: true);
        await using var client = new AblyRealtime(Options(transport, proxy.AsWebProxy()) with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(500) });

        var change = await client.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);

        // The client's own timer, as for a server that never answers: the attempt is abandoned and cancelled.
        Assert.That(change.Reason?.Code, Is.EqualTo(ErrorCodes.Timeout), change.Reason?.ToString());
        Assert.That(change.RetryIn, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + Target }));
    }

    [Test]
    public async Task REST_over_http_through_the_proxy_is_sent_as_absolute_URI_requests()
    {
        await using var proxy = LoopbackConnectProxy.Start();
        using var rest = new AblyRest(Options(RealtimeTransportKind.WebsocketClient, proxy.AsWebProxy()));
        var channel = rest.Channels.Get("proxy-rest-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.That(await rest.TimeAsync().WaitAsync(Wait), Is.Not.EqualTo(default(DateTimeOffset)));
        await channel.PublishAsync("over", "the proxy").WaitAsync(Wait);
        var history = await channel.HistoryAsync().WaitAsync(Wait);

        Assert.That(history.Items.Single().Data, Is.EqualTo("the proxy"));
        Assert.That(proxy.Forwarded, Is.EqualTo(3));
        Assert.That(proxy.Requests, Has.Count.EqualTo(3).And.Some.StartWith($"GET http://{Target}/time"));
        Assert.That(proxy.Requests, Has.Some.StartWith($"POST http://{Target}/channels/"));
        Assert.That(proxy.TunnelsOpened, Is.Zero, "no CONNECT for a plain-HTTP target");
    }

    [Test]
    public async Task REST_through_a_proxy_that_asks_for_Basic_credentials_answers_its_407()
    {
        var credentials = new NetworkCredential("proxy-user", "proxy-pass");
        await using var proxy = LoopbackConnectProxy.Start(requiredCredentials: credentials);
        using var rest = new AblyRest(Options(RealtimeTransportKind.WebsocketClient, proxy.AsWebProxy(credentials)));

        Assert.That(await rest.TimeAsync().WaitAsync(Wait), Is.Not.EqualTo(default(DateTimeOffset)));

        Assert.That(proxy.Requests, Is.EqualTo(new[] { $"GET http://{Target}/time", $"GET http://{Target}/time" }), "asked, then answered with credentials");
        Assert.That(proxy.Forwarded, Is.EqualTo(1));
    }

    [Test]
    public async Task A_handler_factory_makes_the_REST_requests_and_the_proxy_option_does_not_apply_to_them()
    {
        await using var proxy = LoopbackConnectProxy.Start();
        using var rest = new AblyRest(Options(RealtimeTransportKind.WebsocketClient, proxy.AsWebProxy()) with
        {
            HttpMessageHandlerFactory = () => new SocketsHttpHandler { UseProxy = false },
        });

        Assert.That(await rest.TimeAsync().WaitAsync(Wait), Is.Not.EqualTo(default(DateTimeOffset)));

        Assert.That(proxy.Requests, Is.Empty);
    }

    [Test]
    public async Task REST_over_https_through_the_proxy_is_tunnelled_and_keeps_the_pinned_certificate()
    {
        await using var proxy = LoopbackConnectProxy.Start();
        using var rest = new AblyRest(Options(_tlsEmulator, RealtimeTransportKind.WebsocketClient, proxy.AsWebProxy()));

        Assert.That(await rest.TimeAsync().WaitAsync(Wait), Is.Not.EqualTo(default(DateTimeOffset)));

        Assert.That(proxy.Requests, Is.EqualTo(new[] { "CONNECT " + TlsTarget }));
        Assert.That(proxy.TunnelsOpened, Is.EqualTo(1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RSC15_REST_through_a_proxy_that_refuses_fails_with_an_AblyException(bool tls)
    {
        await using var proxy = LoopbackConnectProxy.Start(refuseWith: 403);
        using var rest = new AblyRest(Options(tls ? _tlsEmulator : _emulator, RealtimeTransportKind.WebsocketClient, proxy.AsWebProxy()));

        var ex = Assert.ThrowsAsync<AblyException>(async () => await rest.TimeAsync().WaitAsync(Wait));
        TestContext.Progress.WriteLine($"[proxy] REST refused (tls {tls}): {ex!.ErrorInfo}");

        // Over https the refused tunnel is a failed connection; over http the proxy's 403 is the answer.
        Assert.That(ex.ErrorInfo.StatusCode, Is.EqualTo(tls ? 500 : 403));
        Assert.That(proxy.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_WebProxy_with_an_unsupported_scheme_fails_construction_with_40003()
    {
        var options = Options(RealtimeTransportKind.WebsocketClient, new WebProxy("ftp://127.0.0.1:21"));
        var ex = Assert.Throws<AblyException>(() => new AblyRest(options).Dispose());
        Assert.That(ex!.ErrorInfo.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(ex.ErrorInfo.Message, Does.Contain("Proxy"));
    }

    /// <summary>Connects, attaches a channel by subscribing, publishes one message and waits for it to come back.</summary>
    private static async Task PublishAndReceiveAsync(AblyRealtime client, string channelName)
    {
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var channel = client.Channels.Get(channelName + "-" + Guid.NewGuid().ToString("N")[..8]);
        var received = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = channel.Messages().Subscribe(m => received.TrySetResult(m), e => received.TrySetException(e));
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);
        await channel.PublishAsync("greeting", "through").WaitAsync(Wait);
        Assert.That((await received.Task.WaitAsync(Wait)).Data, Is.EqualTo("through"));
    }
}
