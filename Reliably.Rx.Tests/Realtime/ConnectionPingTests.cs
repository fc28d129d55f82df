using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>RTN13 exactly, in virtual time: a ping waits for CONNECTED (RTN13d), its timer starts when the HEARTBEAT is sent (RTN13c), and it fails with the state's reason when the connection gives up (RTN13b).</summary>
[TestFixture]
public sealed class ConnectionPingTests
{
    [Test]
    public async Task RTN13d_a_ping_made_while_connecting_waits_past_realtimeRequestTimeout_and_is_sent_once_connected()
    {
        await using var h = new RealtimeHarness(o => o with { RealtimeRequestTimeout = TimeSpan.FromSeconds(10) });
        h.Connection.Connect();
        h.Pump();
        var ping = h.Connection.PingAsync();
        h.Advance(TimeSpan.FromSeconds(9));
        Assert.That(ping.IsCompleted, Is.False);
        Assert.That(h.Transport.SentOf(ProtocolAction.Heartbeat), Is.Empty, "nothing to time out: no ping was sent");

        h.Transport.Connected();
        h.Pump();
        var heartbeat = h.Transport.SentOf(ProtocolAction.Heartbeat).Single();
        h.Advance(TimeSpan.FromSeconds(3));
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = heartbeat.Id });
        h.Pump();
        Assert.That(await ping, Is.EqualTo(TimeSpan.FromSeconds(3)).Within(TimeSpan.FromMilliseconds(1)), "measured from the send");
    }

    [Test]
    public async Task RTN13c_the_timeout_counts_from_the_HEARTBEAT_and_says_it_was_sent()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var ping = h.Connection.PingAsync();
        h.Advance(TimeSpan.FromSeconds(5));
        h.Transport.Connected();
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(9.9));
        Assert.That(ping.IsCompleted, Is.False, "10 s after the send, not after the call");
        h.Advance(TimeSpan.FromSeconds(0.2));

        var ex = Assert.ThrowsAsync<AblyException>(async () => await ping);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.Timeout));
        Assert.That(ex.Message, Does.Contain("was sent").And.Contain("RTN13c"));
    }

    [Test]
    public async Task RTN13d_a_ping_lost_with_its_transport_is_sent_again_once_reconnected()
    {
        await using var h = new RealtimeHarness();
        var first = h.ConnectNow();
        var ping = h.Connection.PingAsync();
        h.Pump();
        Assert.That(first.SentOf(ProtocolAction.Heartbeat).Count(), Is.EqualTo(1));
        first.Drop();
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(9.5));
        Assert.That(ping.IsCompleted, Is.False, "the lost send is not waited for");

        h.Transport.Connected();
        h.Pump();
        var again = h.Transport.SentOf(ProtocolAction.Heartbeat).Single();
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = again.Id });
        h.Pump();
        Assert.That(ping.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task RTN13b_a_waiting_ping_fails_with_the_reason_when_the_connection_fails()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var ping = h.Connection.PingAsync();
        h.Pump();
        h.Transport.Open();
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40101, 401, "Invalid credentials") { Href = "https://help.ably.io/error/40101" } });
        h.Pump();

        var ex = Assert.ThrowsAsync<AblyException>(async () => await ping);
        Assert.That(ex!.Code, Is.EqualTo(40101), "the server's error");
        Assert.That(ex.Message, Does.Contain("FAILED").And.Contain("RTN13b"));
        Assert.That(ex.ErrorInfo.Cause?.Code, Is.EqualTo(40101));
    }

    [Test]
    public async Task RTN13b_a_ping_while_INITIALIZED_fails_at_once_and_does_not_blame_queueMessages()
    {
        await using var h = new RealtimeHarness();
        var ping = h.Connection.PingAsync();
        h.Pump();

        var ex = Assert.ThrowsAsync<AblyException>(async () => await ping);
        Assert.That(ex!.Message, Does.Contain("INITIALIZED").And.Not.Contain("queueMessages"));
    }

    [Test]
    public async Task RTN13b_a_waiting_ping_fails_when_the_connection_is_closed()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var ping = h.Connection.PingAsync();
        var close = h.Connection.CloseAsync();
        h.Pump();

        var ex = Assert.ThrowsAsync<AblyException>(async () => await ping);
        Assert.That(ex!.Message, Does.Contain("RTN13b"));
        h.Advance(TimeSpan.FromSeconds(10));
        await close;
    }
}
