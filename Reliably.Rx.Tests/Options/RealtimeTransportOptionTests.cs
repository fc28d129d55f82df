using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Extensions.DependencyInjection;
using Reliably.Rx.Tests.TestSupport;
using Reliably.Rx.Tests.Transport;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Options;

/// <summary>
/// <see cref="ClientOptions.RealtimeTransport"/>: Websocket.Client by default, the plain ClientWebSocket when chosen,
/// <see cref="ClientOptions.TransportFactory"/> over either, carried through <c>with</c> and the DI registration, and an
/// undefined value refused with 40003.
/// </summary>
[TestFixture]
public sealed class RealtimeTransportOptionTests
{
    private static readonly ClientOptions Options = new()
    {
        Key = "appId.keyId:secret",
        Endpoint = "127.0.0.1",
        Port = 9,
        Tls = false,
        AllowInsecureBasicAuth = true,
        AutoConnect = false,
    };

    [Test]
    public async Task The_default_is_Websocket_Client()
    {
        Assert.That(new ClientOptions().RealtimeTransport, Is.EqualTo(RealtimeTransportKind.WebsocketClient));
        Assert.That(ClientOptions.Default.RealtimeTransport, Is.EqualTo(RealtimeTransportKind.WebsocketClient));
        await using var client = new AblyRealtime(Options);
        Assert.That(client.Transports, Is.InstanceOf<WebSocketTransportFactory>().With.Property(nameof(WebSocketTransportFactory.Kind)).EqualTo(RealtimeTransportKind.WebsocketClient));
    }

    [Test]
    public async Task The_option_chooses_the_plain_ClientWebSocket_transport_and_survives_with()
    {
        var options = Options with { RealtimeTransport = RealtimeTransportKind.ClientWebSocket };
        await using var client = new AblyRealtime(options with { ClientId = "copied" });
        Assert.That(client.Options.RealtimeTransport, Is.EqualTo(RealtimeTransportKind.ClientWebSocket));
        Assert.That(client.Transports, Is.InstanceOf<WebSocketTransportFactory>().With.Property(nameof(WebSocketTransportFactory.Kind)).EqualTo(RealtimeTransportKind.ClientWebSocket));
    }

    [Test]
    public async Task The_option_chooses_the_transport_each_attempt_is_created_with()
    {
        var listener = new RecordingTransportListener();
        await using var client = new AblyRealtime(Options with { RealtimeTransport = RealtimeTransportKind.ClientWebSocket });
        using var transport = client.Transports.Create(new Uri("ws://127.0.0.1:9/"), TransportFrameKind.Binary, listener);
        Assert.That(transport, Is.InstanceOf<ClientWebSocketTransport>());
    }

    [TestCase(RealtimeTransportKind.WebsocketClient)]
    [TestCase(RealtimeTransportKind.ClientWebSocket)]
    public async Task A_TransportFactory_wins_over_the_option(RealtimeTransportKind kind)
    {
        var factory = new FakeTransportFactory();
        await using var client = new AblyRealtime(Options with { RealtimeTransport = kind, TransportFactory = factory });
        Assert.That(client.Transports, Is.SameAs(factory));
    }

    [Test]
    public void An_undefined_value_is_refused_with_40003()
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRealtime(Options with { RealtimeTransport = (RealtimeTransportKind)7 }));
        Assert.That(ex!.ErrorInfo.Code, Is.EqualTo(40003));
        Assert.That(ex.Message, Does.Contain(nameof(ClientOptions.RealtimeTransport)));
    }

    [Test]
    public async Task The_DI_registration_keeps_the_option()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAblyRealtime(Options with { RealtimeTransport = RealtimeTransportKind.ClientWebSocket });
        await using var provider = services.BuildServiceProvider();

        var realtime = provider.GetRequiredService<AblyRealtime>();
        Assert.That(realtime.Options.LoggerFactory, Is.SameAs(provider.GetRequiredService<ILoggerFactory>()), "options were copied with the container's logger");
        Assert.That(realtime.Options.RealtimeTransport, Is.EqualTo(RealtimeTransportKind.ClientWebSocket));
        Assert.That(realtime.Transports, Is.InstanceOf<WebSocketTransportFactory>().With.Property(nameof(WebSocketTransportFactory.Kind)).EqualTo(RealtimeTransportKind.ClientWebSocket));
    }
}
