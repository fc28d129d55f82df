using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>Every timer rule in virtual time, asserting exact times (RTN14c, RTN14d, RTN14e, RTB1, RTN15a, RTN14h, RTN23a, RTN12b, RTN13).</summary>
[TestFixture]
public sealed class ConnectionTimerTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Test]
    public async Task RTN14c_connect_attempt_times_out_after_realtimeRequestTimeout()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var connectingAt = h.Sink.TimesOf(ConnectionState.Connecting).Single();
        h.Transport.Open();
        h.Advance(TimeSpan.FromSeconds(10));

        var disconnected = h.Sink.ChangesTo(ConnectionState.Disconnected).Single();
        Assert.That(h.Sink.TimesOf(ConnectionState.Disconnected).Single() - connectingAt, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(disconnected.Reason?.Code, Is.EqualTo(ErrorCodes.Timeout));
        Assert.That(disconnected.RetryIn, Is.EqualTo(TimeSpan.FromSeconds(15)));
        Assert.That(h.Transports.Created[0].ClosedByClient, Is.True);
    }

    [Test]
    public async Task RTB1_RTN14d_retries_while_disconnected_follow_the_backoff_with_jitter_pinned_to_1()
    {
        await using var h = new RealtimeHarness();
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(100));

        var disconnected = h.Sink.ChangesTo(ConnectionState.Disconnected);
        var expected = new[] { 15.0, 20.0, 25.0, 30.0 };
        Assert.That(disconnected.Take(4).Select(c => c.RetryIn!.Value.TotalSeconds), Is.EqualTo(expected));

        // Each retry starts exactly RetryIn after the DISCONNECTED it follows.
        var disconnectedAt = h.Sink.TimesOf(ConnectionState.Disconnected);
        var connectingAt = h.Sink.TimesOf(ConnectionState.Connecting);
        for (var i = 0; i < 4; i++)
        {
            Assert.That(connectingAt[i + 1] - disconnectedAt[i], Is.EqualTo(TimeSpan.FromSeconds(expected[i])), $"retry {i + 1}");
        }

        Assert.That(h.Transports.Created.Select(t => t.Param("resume")), Is.All.Null, "never connected: nothing to resume");
    }

    [Test]
    public async Task RTB1_jitter_scales_the_delay_within_0_8_to_1()
    {
        await using var h = new RealtimeHarness();
        h.Transports.OnConnect = t => t.Refuse();
        var loop = new Reliably.Rx.Realtime.ConnectionLoop(
            h.Options with { AutoConnect = false }, h.Auth, h.Transports, new Reliably.Rx.Randomness.RandomSource(new MaxJitterRandom()));
        var sink = new RecordingChannelSink(h.Scheduler);
        loop.Channels.Register(sink);
        loop.Post(loop.Connect);
        h.Pump();
        Assert.That(sink.ChangesTo(ConnectionState.Disconnected).Single().RetryIn, Is.EqualTo(TimeSpan.FromSeconds(12)), "15 s x 0.8");
        await loop.DisposeAsync();
    }

    [Test]
    public async Task RTN14e_SUSPENDED_exactly_connectionStateTtl_after_the_first_attempt_then_retries_every_30s()
    {
        await using var h = new RealtimeHarness();
        var pending = (Task?)null;
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump(1);
        pending = h.Publish();
        h.Advance(TimeSpan.FromSeconds(200));

        var firstConnecting = h.Sink.TimesOf(ConnectionState.Connecting)[0];
        var suspendedAt = h.Sink.TimesOf(ConnectionState.Suspended);
        Assert.That(suspendedAt[0] - firstConnecting, Is.EqualTo(TimeSpan.FromSeconds(120)));
        var suspended = h.Sink.ChangesTo(ConnectionState.Suspended)[0];
        Assert.That(suspended.Reason?.Code, Is.EqualTo(ErrorCodes.ConnectionSuspended));
        Assert.That(suspended.RetryIn, Is.EqualTo(TimeSpan.FromSeconds(30)));

        // RTN7e: queued messages fail on SUSPENDED.
        Assert.That(pending.IsFaulted, Is.True);

        // RTN14f: each retry from SUSPENDED happens 30 s after entering it, and a failure returns to SUSPENDED.
        var connectingAfter = h.Sink.TimesOf(ConnectionState.Connecting).Where(t => t > suspendedAt[0]).ToList();
        Assert.That(suspendedAt, Has.Count.GreaterThanOrEqualTo(2));
        for (var i = 0; i < suspendedAt.Count - 1; i++)
        {
            Assert.That(connectingAfter[i] - suspendedAt[i], Is.EqualTo(TimeSpan.FromSeconds(30)));
        }

        Assert.That(h.Sink.ChangesTo(ConnectionState.Disconnected).Count(c => c.Reason?.Code != ErrorCodes.ConnectionSuspended), Is.EqualTo(5),
            "five DISCONNECTED retries (15, 20, 25, 30, 30) before the TTL");
    }

    [Test]
    public async Task RTN14e_ttl_counts_from_the_loss_of_a_connection_and_uses_connectionDetails()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow(details: new ConnectionDetails { ConnectionStateTtl = TimeSpan.FromSeconds(60), MaxIdleInterval = TimeSpan.FromSeconds(15) });
        h.Transports.OnConnect = t => t.Refuse();
        h.Advance(TimeSpan.FromSeconds(5));
        transport.Drop();
        h.Pump(1);
        var lostAt = h.Sink.TimesOf(ConnectionState.Disconnected)[0];
        h.Advance(TimeSpan.FromSeconds(90));
        Assert.That(h.Sink.TimesOf(ConnectionState.Suspended)[0] - lostAt, Is.EqualTo(TimeSpan.FromSeconds(60)), "RTN21: connectionStateTtl from connectionDetails");
    }

    [Test]
    public async Task RTN15a_losing_a_connected_transport_reconnects_immediately_with_resume()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow("conn-1", "key-1");
        transport.Drop();
        h.Pump(1);
        var disconnectedAt = h.Sink.TimesOf(ConnectionState.Disconnected).Single();
        var reconnectAt = h.Sink.TimesOf(ConnectionState.Connecting)[1];
        Assert.That(reconnectAt, Is.EqualTo(disconnectedAt));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(2));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"));

        // If that immediate attempt fails, the next waits disconnectedRetryTimeout.
        h.Transport.Refuse();
        h.Pump(1);
        Assert.That(h.Sink.ChangesTo(ConnectionState.Disconnected)[1].RetryIn, Is.EqualTo(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public async Task RTN23a_silence_for_maxIdleInterval_plus_realtimeRequestTimeout_disconnects_and_resumes_at_once()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var connectedAt = h.Sink.TimesOf(ConnectionState.Connected).Single();

        // A heartbeat at +20 s moves the deadline to +45 s.
        h.Advance(TimeSpan.FromSeconds(20) - Tick * 3);
        transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat));
        h.Pump(1);
        var lastActivity = h.Now;
        Assert.That(lastActivity - connectedAt, Is.LessThan(TimeSpan.FromSeconds(25)));
        h.Advance(TimeSpan.FromSeconds(25) - Tick);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        h.Advance(Tick);

        var disconnected = h.Sink.ChangesTo(ConnectionState.Disconnected).Single();
        Assert.That(h.Sink.TimesOf(ConnectionState.Disconnected).Single() - lastActivity, Is.EqualTo(TimeSpan.FromSeconds(25)));
        Assert.That(disconnected.Reason?.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(disconnected.Reason?.StatusCode, Is.EqualTo(408));
        Assert.That(transport.ClosedByClient, Is.True);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"));
    }

    [Test]
    public async Task RTN23a_maxIdleInterval_0_disables_the_idle_timer()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow(details: new ConnectionDetails { MaxIdleInterval = TimeSpan.Zero, ConnectionStateTtl = TimeSpan.FromSeconds(120) });
        h.Advance(TimeSpan.FromHours(1));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task RTN14h_reconnection_from_SUSPENDED_still_resumes_however_long_the_client_was_away()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow("conn-1", "key-1");
        h.Transports.OnConnect = t => t.Refuse();
        transport.Drop();
        h.Pump(1);

        // SUSPENDED at 120 s; the retries from SUSPENDED, every 30 s, come long after connectionStateTtl + maxIdleInterval.
        h.Advance(TimeSpan.FromMinutes(10));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Suspended));
        Assert.That(h.Transports.Created.Skip(1).Select(t => t.Param("resume")), Is.All.EqualTo("key-1"), "every attempt resumes");
        Assert.That(h.Connection.Id, Is.EqualTo("conn-1"), "RTN8d: SUSPENDED keeps the connection's id");
        Assert.That(h.Connection.Key, Is.EqualTo("key-1"), "RTN9d: SUSPENDED keeps the connection's key");

        // The server no longer has the connection: RTN15c7, a new connection id and the reason.
        h.Transports.OnConnect = null;
        for (var i = 0; i < 31 && h.Connection.State != ConnectionState.Connecting; i++)
        {
            h.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"));
        h.Transport.Connected("conn-2", "key-2", error: new ErrorInfo(80008, 400, "Unable to recover connection"));
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Connection.Id, Is.EqualTo("conn-2"));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(80008));
    }

    [Test]
    public async Task RTN12b_close_without_CLOSED_completes_after_realtimeRequestTimeout()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var close = h.Connection.CloseAsync();
        h.Pump(1);
        Assert.That(transport.SentOf(ProtocolAction.Close), Is.Not.Empty);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Closing));
        var closingAt = h.Sink.TimesOf(ConnectionState.Closing).Single();
        h.Advance(TimeSpan.FromSeconds(10));
        Assert.That(h.Sink.TimesOf(ConnectionState.Closed).Single() - closingAt, Is.EqualTo(TimeSpan.FromSeconds(10)));
        await close.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(transport.ClosedByClient, Is.True);
        Assert.That(h.Connection.Key, Is.Null);
    }

    [Test]
    public async Task RTN12_CLOSED_from_the_server_completes_the_close()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var close = h.Connection.CloseAsync();
        h.Pump(1);
        transport.Receive(new ProtocolMessage(ProtocolAction.Closed));
        h.Pump(1);
        await close.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Closed));
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1), "no reconnection after close");
    }

    [Test]
    public async Task RTN12f_close_while_connecting_sends_CLOSE_once_CONNECTED_arrives()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var close = h.Connection.CloseAsync();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Closing));
        h.Transport.Connected();
        h.Pump();
        Assert.That(h.Transport.SentOf(ProtocolAction.Close), Is.Not.Empty);
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Closed));
        h.Pump();
        await close.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(h.Sink.States, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Closing, ConnectionState.Closed }));
    }

    [Test]
    public async Task RTN12d_close_while_disconnected_is_immediate_and_stops_retrying()
    {
        await using var h = new RealtimeHarness();
        h.Transports.OnConnect = t => t.Refuse();
        h.Connection.Connect();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        var close = h.Connection.CloseAsync();
        h.Pump(1);
        await close.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Closed));
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RTN13_ping_measures_the_round_trip_in_virtual_time()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var ping = h.Connection.PingAsync();
        h.Pump(1);
        var heartbeat = transport.SentOf(ProtocolAction.Heartbeat).Single();
        Assert.That(heartbeat.Id, Is.Not.Null.And.Not.Empty);
        h.Advance(TimeSpan.FromMilliseconds(250) - Tick * 2);
        transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = "not-mine" });
        transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = heartbeat.Id });
        h.Pump(1);
        Assert.That(await ping.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(TimeSpan.FromMilliseconds(250) - Tick));
    }

    [Test]
    public async Task RTN13c_ping_without_answer_fails_with_50003_after_realtimeRequestTimeout()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow();
        var ping = h.Connection.PingAsync();
        h.Pump(1);
        h.Advance(TimeSpan.FromSeconds(10) - Tick);
        Assert.That(ping.IsCompleted, Is.False);
        h.Advance(Tick);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await ping.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.Timeout));
    }

    [Test]
    public async Task RTN13c_a_ping_while_connecting_is_sent_once_connected()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var ping = h.Connection.PingAsync();
        h.Pump(1);
        Assert.That(h.Transport.SentOf(ProtocolAction.Heartbeat), Is.Empty);
        h.Transport.Connected();
        h.Pump(1);
        var heartbeat = h.Transport.SentOf(ProtocolAction.Heartbeat).Single();
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = heartbeat.Id });
        h.Pump(1);
        Assert.That(await ping.WaitAsync(TimeSpan.FromSeconds(5)), Is.GreaterThanOrEqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task RTN13_concurrent_pings_get_distinct_ids_and_complete_independently()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var first = h.Connection.PingAsync();
        var second = h.Connection.PingAsync();
        h.Pump(1);
        var ids = transport.SentOf(ProtocolAction.Heartbeat).Select(m => m.Id).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(2));
        transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = ids[1] });
        h.Pump(1);
        Assert.That(second.IsCompletedSuccessfully, Is.True);
        Assert.That(first.IsCompleted, Is.False);
    }

    [Test]
    public async Task RTN13b_ping_fails_at_once_in_INITIALIZED()
    {
        await using var h = new RealtimeHarness();
        var ping = h.Connection.PingAsync();
        h.Pump(1);
        Assert.That(ping.IsFaulted, Is.True);
        Assert.That(ping.Exception?.GetBaseException(), Is.TypeOf<AblyException>());
    }

    private sealed class MaxJitterRandom : Random
    {
        public override double NextDouble() => 1.0;

        public override int Next(int minValue, int maxValue) => minValue;
    }
}
