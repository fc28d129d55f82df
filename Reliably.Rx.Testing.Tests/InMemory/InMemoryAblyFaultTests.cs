using Microsoft.Reactive.Testing;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Testing.Tests.InMemory;

/// <summary>
/// The faults and the network of the in-memory Ably, each in virtual time with its exact effect: a stalled network
/// (RTN23a), a lost frame, latency, refused connection attempts (RTN14d), a NACK (RTN7b), token expiry with renewal
/// (RTN15h2), the server's AUTH before a token expires (RTN22), presence and history over the in-memory REST.
/// </summary>
[TestFixture]
public sealed class InMemoryAblyFaultTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Test]
    public async Task RTN23a_a_stalled_network_is_noticed_after_maxIdleInterval_plus_realtimeRequestTimeout_and_the_connection_resumed()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime();
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);
        var id = client.Connection.Id;
        scheduler.AdvanceBy(TimeSpan.FromSeconds(30).Ticks);

        Assert.That(ably.Network.Stall(id), Is.EqualTo(1));
        var stalledAt = scheduler.Elapsed();
        scheduler.AdvanceUntil(() => client.Connection.State != ConnectionState.Connected, Limit);

        // The last heartbeat arrived at most one heartbeat interval (5 s) before the stall; 15 s + 10 s after it, the
        // client gives up on the silent transport.
        var silentFor = scheduler.Elapsed() - stalledAt;
        Assert.That(silentFor, Is.GreaterThan(TimeSpan.FromSeconds(20)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(25)));
        Assert.That(client.Connection.ErrorReason?.StatusCode, Is.EqualTo(408));
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);
        Assert.That(client.Connection.Id, Is.EqualTo(id), "resumed (RTN15c6)");
    }

    [Test]
    public async Task A_lost_frame_never_arrives_and_the_connection_stays_up()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime();
        var channel = client.Channels.Get("lossy");
        var received = scheduler.CreateObserver<Message>();
        using var _ = channel.Messages().Subscribe(received);
        scheduler.AdvanceUntilCompleted(channel.AttachAsync(), Limit);
        ably.Network.LoseFrames(FrameDirection.ToClient, f => f.Frame.Action == ProtocolAction.Message && f.Frame.Messages[0].Value<string>("name") == "two");

        using var rest = ably.CreateRest();
        foreach (var name in new[] { "one", "two", "three" })
        {
            scheduler.AdvanceUntilCompleted(rest.Channels.Get("lossy").PublishAsync(name, "x"), Limit);
        }

        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(received.Values().Select(m => m.Value.Name), Is.EqualTo(new[] { "one", "three" }));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task Latency_delays_every_crossing_by_the_one_way_latency()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler, new InMemoryAblyOptions { Latency = TimeSpan.FromMilliseconds(40) });
        await using var client = ably.CreateRealtime();
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);
        scheduler.AdvanceUntil(() => states.Values().Any(s => s.Value.Current == ConnectionState.Connected), Limit);

        // The attempt takes 40 ms to reach the server, CONNECTED 40 ms to come back.
        var connected = states.Values().Single(s => s.Value.Current == ConnectionState.Connected).At;
        Assert.That(connected, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(80)).And.LessThan(TimeSpan.FromMilliseconds(81)));
        var ping = scheduler.AdvanceUntilCompleted(client.Connection.PingAsync(), Limit);
        Assert.That(ping, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(80)).And.LessThan(TimeSpan.FromMilliseconds(81)), "RTN13: the round trip on the client's clock");
    }

    [Test]
    public async Task RTN14d_refused_connection_attempts_are_retried_until_the_server_accepts()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        ably.Faults.FailConnectionAttempts(count: 2, error: new EmulatorError(80003, 503, "busy"));
        await using var client = ably.CreateRealtime(o => o with { FallbackHosts = [] });
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);

        var disconnected = states.Values().Where(s => s.Value.Current == ConnectionState.Disconnected).ToList();
        Assert.That(disconnected, Has.Count.EqualTo(2));
        Assert.That(disconnected.Select(d => d.Value.Reason?.Code), Is.All.EqualTo(80003));
        var connecting = states.Values().Where(s => s.Value.Current == ConnectionState.Connecting).ToList();
        Assert.That(connecting[2].At - disconnected[1].At, Is.EqualTo(disconnected[1].Value.RetryIn));
    }

    [Test]
    public async Task RTN7b_a_NACK_fails_the_publish_with_the_servers_error()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime();
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);
        ably.Faults.NackNextPublishes(1, new EmulatorError(40160, 401, "not permitted here"), client.Connection.Id);
        var channel = client.Channels.Get("nacked");
        var ex = Assert.Throws<AblyException>(() => scheduler.AdvanceUntilCompleted(channel.PublishAsync("a", "1"), Limit));
        Assert.That(ex!.Code, Is.EqualTo(40160));
        scheduler.AdvanceUntilCompleted(channel.PublishAsync("b", "2"), Limit);
    }

    [Test]
    public async Task RTN22_the_server_asks_for_a_new_token_before_it_expires_and_the_connection_stays_up()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        using var issuer = ably.CreateRest();
        var tokens = new List<TimeSpan>();
        await using var client = ably.CreateRealtime(o => o with
        {
            Key = null,
            AuthCallback = async (_, ct) =>
            {
                tokens.Add(scheduler.Elapsed());
                return await issuer.Auth.RequestTokenAsync(new TokenParams { Ttl = TimeSpan.FromMinutes(10) }, cancellationToken: ct);
            },
        });
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);
        var id = client.Connection.Id;

        // The server's clock is the scheduler: 30 s before the token expires it sends AUTH, and the client answers with a
        // new token without leaving CONNECTED.
        scheduler.AdvanceBy(TimeSpan.FromMinutes(11).Ticks);
        Assert.That(tokens, Has.Count.EqualTo(2));
        Assert.That(tokens[1] - tokens[0], Is.EqualTo(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(30)).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(states.Values().Select(s => s.Value.Current).Skip(2), Is.All.EqualTo(ConnectionState.Connected), "never left CONNECTED");
        Assert.That(states.Values().Any(s => s.Value.Event == ConnectionEvent.Update), Is.True);
        Assert.That(client.Connection.Id, Is.EqualTo(id));
    }

    [Test]
    public async Task RTN15h2_an_expired_token_is_renewed_through_the_authCallback_and_the_connection_resumed()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        using var issuer = ably.CreateRest();
        var tokens = 0;
        await using var client = ably.CreateRealtime(o => o with
        {
            Key = null,
            AuthCallback = async (_, ct) =>
            {
                tokens++;
                return await issuer.Auth.RequestTokenAsync(cancellationToken: ct);
            },
        });
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);
        var id = client.Connection.Id!;
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);

        Assert.That(ably.Faults.ExpireConnectionToken(id), Is.True);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(states.Values().Select(s => s.Value.Reason?.Code), Does.Contain(40142));
        Assert.That(tokens, Is.EqualTo(2));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.Id, Is.EqualTo(id), "resumed with the new token");
    }

    [Test]
    public async Task Presence_and_history_work_over_the_in_memory_REST_too()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var ann = ably.CreateRealtime(o => o with { ClientId = "ann" });
        var channel = ann.Channels.Get("room");
        scheduler.AdvanceUntilCompleted(channel.Presence.EnterAsync("hi"), Limit);
        scheduler.AdvanceUntilCompleted(channel.PublishAsync("said", "hello"), Limit);

        using var rest = ably.CreateRest();
        var members = scheduler.AdvanceUntilCompleted(rest.Channels.Get("room").Presence.GetAsync(), Limit);
        Assert.That(members.Items.Select(m => m.ClientId), Is.EqualTo(new[] { "ann" }));
        var history = scheduler.AdvanceUntilCompleted(rest.Channels.Get("room").HistoryAsync(), Limit);
        Assert.That(history.Items.Select(m => m.Name), Is.EqualTo(new[] { "said" }));
        Assert.That(ably.GetConnections().Single().ClientId, Is.EqualTo("ann"));
    }
}
