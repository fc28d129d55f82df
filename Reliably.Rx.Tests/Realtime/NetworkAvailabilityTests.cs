using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>ClientOptions.NetworkAvailability (RTN20) beyond the UTS cases: SUSPENDED, states it leaves alone, disposal.</summary>
[TestFixture]
public sealed class NetworkAvailabilityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [Test]
    public async Task RTN20b_network_available_while_SUSPENDED_connects_at_once()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        var refuse = true;
        server.OnHttpRequest = r => r.RefuseConnection();
        server.OnConnectionAttempt = c =>
        {
            if (refuse)
            {
                c.Refuse();
            }
            else
            {
                c.RespondWithSuccess(ProtocolFrame.Connected("id-1", "key-1"));
            }
        };
        using var network = new Subject<bool>();
        await using var client = server.CreateRealtime(o => o with { NetworkAvailability = network, FallbackHosts = Array.Empty<string>() });
        Assert.That(scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Suspended, Limit), Is.True);
        var attempts = server.Connections.Count;
        refuse = false;

        network.OnNext(true);
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1).Ticks);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected), "not at the suspendedRetryTimeout (30 s)");
        Assert.That(server.Connections, Has.Count.EqualTo(attempts + 1));
    }

    [Test]
    public async Task RTN20_events_leave_INITIALIZED_and_CLOSED_alone_and_are_ignored_after_disposal()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("id-1", "key-1"));
        using var network = new Subject<bool>();
        var client = server.CreateRealtime(o => o with { NetworkAvailability = network, AutoConnect = false });

        network.OnNext(true);
        network.OnNext(false);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized), "RTN20 does not connect a client nobody asked to connect");
        Assert.That(server.Connections, Is.Empty);

        client.Connection.Connect();
        Assert.That(scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit), Is.True);
        var closed = client.Connection.CloseAsync();
        server.LastConnection!.Send(ProtocolFrame.Closed());
        scheduler.AdvanceUntilCompleted(closed, Limit);
        network.OnNext(true);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed));

        await client.DisposeAsync();
        Assert.That(network.HasObservers, Is.False, "disposal unsubscribes");
    }
}
