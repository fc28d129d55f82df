using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>Realtime fallback hosts (RTN17).</summary>
[TestFixture]
public sealed class FallbackHostTests
{
    [Test]
    public async Task RTN17i_primary_first_then_fallbacks_on_a_qualifying_failure()
    {
        await using var h = new RealtimeHarness(o => o with { Endpoint = null });
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump(20);
        var hosts = h.Transports.Created.Select(t => t.Uri.Host).ToList();
        Assert.That(hosts[0], Is.EqualTo("main.realtime.ably.net"));
        Assert.That(hosts.Skip(1), Is.EquivalentTo(new[] { "a", "b", "c", "d", "e" }.Select(c => $"main.{c}.fallback.ably-realtime.com")));
        Assert.That(h.Sink.ChangesTo(ConnectionState.Disconnected), Has.Count.EqualTo(1), "DISCONNECTED only once every host failed");
    }

    [Test]
    public async Task RTN17_literal_endpoint_has_no_fallbacks()
    {
        await using var h = new RealtimeHarness(o => o with { Endpoint = "127.0.0.1", Tls = false, AllowInsecureBasicAuth = true, Port = 9 });
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump(5);
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
    }

    [Test]
    public async Task RTN17f_DISCONNECTED_with_5xx_while_connecting_tries_a_fallback_but_a_4xx_does_not()
    {
        await using var h = new RealtimeHarness(o => o with { FallbackHosts = ["fb1.example.com"] , Endpoint = "primary.example.com" });
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().ReceiveAndClose(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(50003, 503, "unavailable") });
        h.Pump();
        Assert.That(h.Transport.Uri.Host, Is.EqualTo("fb1.example.com"));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));

        await using var h2 = new RealtimeHarness(o => o with { FallbackHosts = ["fb1.example.com"], Endpoint = "primary.example.com" });
        h2.Connection.Connect();
        h2.Pump();
        h2.Transport.Open().ReceiveAndClose(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(40000, 400, "bad") });
        h2.Pump();
        Assert.That(h2.Transports.Created, Has.Count.EqualTo(1));
        Assert.That(h2.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
    }

    [Test]
    public async Task RTN17f_DISCONNECTED_with_5xx_while_connected_reconnects_to_a_fallback()
    {
        await using var h = new RealtimeHarness(o => o with { FallbackHosts = ["fb1.example.com"], Endpoint = "primary.example.com" });
        var transport = h.ConnectNow();
        Assert.That(transport.Uri.Host, Is.EqualTo("primary.example.com"));
        transport.ReceiveAndClose(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(50003, 503, "unavailable") });
        h.Pump(1);
        Assert.That(h.Transport.Uri.Host, Is.EqualTo("fb1.example.com"));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"));
    }
}
