using System.Reactive.Subjects;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/network_change_test.md (RTN20): the operating system's network events.</summary>
/// <remarks>
/// The spec's <c>MockNetworkListener</c> is a subject the test drives, given to the client as
/// <see cref="ClientOptions.NetworkAvailability"/>: <c>simulate_network_lost()</c> is <c>OnNext(false)</c> and
/// <c>simulate_network_available()</c> is <c>OnNext(true)</c>.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/connection/network_change_test.md")]
public sealed class NetworkChangeTests
{
    private static ProtocolFrame Connected(string id, string key) =>
        ProtocolFrame.Connected(id, key, connectionStateTtl: TimeSpan.FromSeconds(120), maxIdleInterval: TimeSpan.FromSeconds(15));

    private static AblyRealtime Client(ScriptedAbly server, Subject<bool> network, Func<ClientOptions, ClientOptions>? more = null) =>
        server.CreateRealtime(o =>
        {
            var options = o with { AutoConnect = false, UseBinaryProtocol = false, NetworkAvailability = network };
            return more is null ? options : more(options);
        });

    // UTS: realtime/unit/RTN20a/network-loss-connected-disconnects-0
    [Test]
    [Divergence("The client followed no network events; ClientOptions.NetworkAvailability now feeds it the operating system's, and a loss while CONNECTED is DISCONNECTED at once, then a reconnection")]
    public async Task RTN20_RTN20a_NetworkLossWhileConnectedDisconnectsAtOnce()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.OnConnectionAttempt = c =>
        {
            attempts++;
            c.RespondWithSuccess(Connected("connection-id-" + attempts, "connection-key-" + attempts));
        };
        using var network = new Subject<bool>();
        await using var client = Client(server, network);
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(attempts, Is.EqualTo(1));

        network.OnNext(false);
        changes.AwaitChange(scheduler, ConnectionState.Disconnected, TimeSpan.FromMilliseconds(1));
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));
        scheduler.ProcessPendingEvents();

        UtsAssert.ContainsInOrder(changes.States,
            ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(changes.Into(ConnectionState.Disconnected)[0].Reason, Is.Not.Null);
        Assert.That(attempts, Is.EqualTo(2));
    }

    // UTS: realtime/unit/RTN20a/network-loss-connecting-disconnects-1
    [Test]
    [Adapted("The spec waits up to 10 s of real time for the reconnection; in virtual time the DISCONNECTED retry comes after disconnectedRetryTimeout (RTN14d), so the wait is in virtual time and longer")]
    public async Task RTN20_RTN20a_NetworkLossWhileConnectingDisconnects()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.OnConnectionAttempt = c =>
        {
            // The first attempt is left unanswered: the client is still CONNECTING when the network goes.
            if (++attempts > 1)
            {
                c.RespondWithSuccess(Connected("connection-id", "connection-key"));
            }
        };
        using var network = new Subject<bool>();
        await using var client = Client(server, network);
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        server.NextConnectionAttempt();
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connecting));

        network.OnNext(false);
        changes.AwaitChange(scheduler, ConnectionState.Disconnected, TimeSpan.FromMilliseconds(1));
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.ProcessPendingEvents();

        UtsAssert.ContainsInOrder(changes.States,
            ConnectionState.Connecting, ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(attempts, Is.GreaterThanOrEqualTo(2));
    }

    // UTS: realtime/unit/RTN20b/network-available-disconnected-connects-0
    [Test]
    public async Task RTN20_RTN20b_NetworkAvailableWhileDisconnectedConnectsAtOnce()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.WithInternet();
        server.OnConnectionAttempt = c =>
        {
            switch (++attempts)
            {
                case 1:
                    c.RespondWithSuccess(Connected("connection-id-1", "connection-key-1"));
                    break;
                case 2:
                    c.Refuse();
                    break;
                default:
                    c.RespondWithSuccess(Connected("connection-id-2", "connection-key-2"));
                    break;
            }
        };
        using var network = new Subject<bool>();
        await using var client = Client(server, network, o => o with { DisconnectedRetryTimeout = TimeSpan.FromSeconds(30), FallbackHosts = Array.Empty<string>() });
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        server.Connections[0].Drop();
        scheduler.AdvanceUntil(() => attempts == 2 && client.Connection.State == ConnectionState.Disconnected, TimeSpan.FromSeconds(5));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        var before = attempts;
        var at = scheduler.Now;

        network.OnNext(true);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();

        UtsAssert.ContainsInOrder(changes.States,
            ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(attempts, Is.GreaterThan(before));
        Assert.That(scheduler.Now - at, Is.LessThan(TimeSpan.FromSeconds(1)), "connected without waiting for the 30 s disconnectedRetryTimeout");
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN20c/network-available-connecting-restarts-0
    [Test]
    public async Task RTN20_RTN20c_NetworkAvailableWhileConnectingRestartsTheAttempt()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.OnConnectionAttempt = c =>
        {
            // The first attempt is left pending, as over a slow network.
            if (++attempts > 1)
            {
                c.RespondWithSuccess(Connected("connection-id", "connection-key"));
            }
        };
        using var network = new Subject<bool>();
        await using var client = Client(server, network);

        client.Connection.Connect();
        server.NextConnectionAttempt();
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        Assert.That(attempts, Is.EqualTo(1));

        network.OnNext(true);

        // Well within realtimeRequestTimeout (10 s), after which the pending attempt would have been retried anyway.
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(1));
        Assert.That(attempts, Is.GreaterThanOrEqualTo(2));
        Assert.That(server.Connections[0].ClosedByClient, Is.True, "the pending attempt was abandoned");
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
