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
        Assert.That(h.ConnectivityChecks, Is.Zero, "the server answered: the network is up, no check needed");
    }

    [Test]
    public async Task RTN17j_connectivity_is_checked_once_when_leaving_the_primary_host_then_the_fallbacks_are_tried()
    {
        await using var h = new RealtimeHarness(o => o with { Endpoint = null });
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump(20);

        Assert.That(h.ConnectivityChecks, Is.EqualTo(1), "one check per cycle, before the first fallback");
        Assert.That(h.Transports.Created, Has.Count.EqualTo(6), "primary and the five fallbacks");
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
    }

    [Test]
    public async Task RTN17j_without_connectivity_no_fallback_is_tried_and_the_primary_is_retried_after_disconnectedRetryTimeout()
    {
        await using var h = new RealtimeHarness(o => o with { Endpoint = null });
        h.Connectivity = () => Task.FromResult(false);
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump(10);

        Assert.That(h.Transports.Created.Select(t => t.Uri.Host), Is.EqualTo(new[] { "main.realtime.ably.net" }));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.Disconnected), "the primary's own failure is the reason");

        // RTB1: the first retry comes after disconnectedRetryTimeout (jitter pinned to 1), to the primary again.
        h.Advance(h.Options.DisconnectedRetryTimeout - TimeSpan.FromMilliseconds(1));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1));
        h.Advance(TimeSpan.FromMilliseconds(1));
        h.Pump(10);
        Assert.That(h.Transports.Created.Select(t => t.Uri.Host), Is.EqualTo(new[] { "main.realtime.ably.net", "main.realtime.ably.net" }));
        Assert.That(h.ConnectivityChecks, Is.EqualTo(2));
    }

    [Test]
    public async Task RTN17j_a_check_still_running_holds_the_fallbacks_back_and_a_close_meanwhile_ends_in_CLOSED()
    {
        await using var h = new RealtimeHarness(o => o with { FallbackHosts = ["fb1.example.com"], Endpoint = "primary.example.com" });
        // Completed on this thread (synchronous continuations), so the loop's post reaches the TestScheduler from here.
        var check = new TaskCompletionSource<bool>();
        h.Connectivity = () => check.Task;
        h.Connection.Connect();
        h.Pump();
        h.Transport.Refuse();
        h.Pump();
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1), "no fallback before the check answers");
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));

        check.SetResult(true);
        h.Pump();
        Assert.That(h.Transports.Created, Has.Count.EqualTo(2));
        Assert.That(h.Transport.Uri.Host, Is.EqualTo("fb1.example.com"));

        await using var h2 = new RealtimeHarness(o => o with { FallbackHosts = ["fb1.example.com"], Endpoint = "primary.example.com" });
        var check2 = new TaskCompletionSource<bool>();
        h2.Connectivity = () => check2.Task;
        h2.Connection.Connect();
        h2.Pump();
        h2.Transport.Refuse();
        h2.Pump();
        var closed = h2.Connection.CloseAsync();
        h2.Pump();
        check2.SetResult(true);
        h2.Pump();
        Assert.That(h2.Connection.State, Is.EqualTo(ConnectionState.Closed));
        await closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(h2.Transports.Created, Has.Count.EqualTo(1), "closed while checking: no fallback attempt");
    }

    [Test]
    public async Task RTN17e_while_connected_through_a_fallback_REST_requests_try_that_host_first()
    {
        var handler = new Reliably.Rx.Tests.Http.FakeHttpHandler(_ => Reliably.Rx.Tests.Http.FakeHttpHandler.Json("[]"));
        await using var h = new RealtimeHarness(o => o with
        {
            Endpoint = "primary.example.com",
            FallbackHosts = ["fb1.example.com", "fb2.example.com"],
            HttpMessageHandlerFactory = () => handler,
        });
        h.Connection.Connect();
        h.Pump();
        h.Transport.Refuse();
        h.Pump();
        var fallback = h.Transport.Uri.Host;
        Assert.That(fallback, Does.StartWith("fb"));
        h.Transport.Connected();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));

        await h.Client.Channels.Get("orders").HistoryAsync();
        Assert.That(handler.Requests[^1].Host, Is.EqualTo(fallback), "the realtime connection's datacenter first");

        // The connection is lost: REST no longer follows it.
        h.Transport.Drop();
        h.Pump(1);
        Assert.That(h.Connection.State, Is.Not.EqualTo(ConnectionState.Connected));
        await h.Client.Channels.Get("orders").HistoryAsync();
        Assert.That(handler.Requests[^1].Host, Is.EqualTo("primary.example.com"));
    }
}
