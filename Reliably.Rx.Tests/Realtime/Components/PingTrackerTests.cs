using Reliably.Rx.Protocol;
using Reliably.Rx.Randomness;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class PingTrackerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static PingTracker Tracker(ComponentRig rig) => new(rig.Loop, rig.Transport, new RandomSource(new RealtimeHarness.PinnedRandom()), Timeout);

    private static ConnectionStateChange Change(ConnectionState from, ConnectionState to, ErrorInfo? reason = null) =>
        new(from, to, ConnectionStateChange.EventFor(to), reason);

    [Test]
    public async Task RTN13e_the_answer_with_the_pings_id_completes_it_with_the_round_trip_in_scheduler_time()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pings = Tracker(rig);
        var ping = new PingRequest();
        pings.Start(ping, ConnectionState.Connected, null);
        var heartbeat = fake.SentOf(ProtocolAction.Heartbeat).Single();
        Assert.That(heartbeat.Id, Does.StartWith("123456789abcdef0-"));

        rig.Advance(TimeSpan.FromMilliseconds(250));
        pings.OnHeartbeat(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = "someone else's" });
        Assert.That(ping.Completion.Task.IsCompleted, Is.False);
        pings.OnHeartbeat(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = heartbeat.Id });
        Assert.That(await ping.Completion.Task, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
        Assert.That(pings.Pending, Is.Zero);
    }

    [Test]
    public void RTN13c_no_answer_within_realtimeRequestTimeout_fails_the_ping()
    {
        var rig = new ComponentRig();
        rig.OpenTransport();
        var pings = Tracker(rig);
        var ping = new PingRequest();
        pings.Start(ping, ConnectionState.Connected, null);
        rig.Advance(Timeout);
        Assert.That(ping.Completion.Task.Exception!.GetBaseException(), Is.TypeOf<AblyException>().With.Property("Code").EqualTo(ErrorCodes.Timeout));
        Assert.That(pings.Pending, Is.Zero);
    }

    [Test]
    public void RTN13d_a_ping_while_connecting_waits_without_a_timer_and_goes_out_once_connected()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport(connected: false);
        var pings = Tracker(rig);
        var ping = new PingRequest();
        pings.Start(ping, ConnectionState.Connecting, null);
        rig.Advance(Timeout + Timeout);
        Assert.That(fake.Sent, Is.Empty);
        Assert.That(ping.Completion.Task.IsCompleted, Is.False, "no RTN13c timer before the HEARTBEAT is sent");

        pings.SendDeferred();
        Assert.That(fake.SentOf(ProtocolAction.Heartbeat).Count(), Is.EqualTo(1));
    }

    [Test]
    public void RTN13d_a_ping_sent_on_a_lost_transport_is_sent_again_with_a_fresh_timer()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        var pings = Tracker(rig);
        var ping = new PingRequest();
        pings.Start(ping, ConnectionState.Connected, null);
        rig.Advance(Timeout / 2);
        pings.OnStateChanged(Change(ConnectionState.Connected, ConnectionState.Disconnected), null);
        rig.Advance(Timeout);
        Assert.That(ping.Completion.Task.IsCompleted, Is.False, "the lost HEARTBEAT's timer was cancelled");

        pings.SendDeferred();
        Assert.That(fake.SentOf(ProtocolAction.Heartbeat).Select(h => h.Id).Distinct().Count(), Is.EqualTo(1), "the same id twice");
        Assert.That(fake.SentOf(ProtocolAction.Heartbeat).Count(), Is.EqualTo(2));
    }

    [Test]
    public void RTN13b_no_ping_in_INITIALIZED_and_pending_pings_fail_when_the_connection_gives_up()
    {
        var rig = new ComponentRig();
        var pings = Tracker(rig);
        var refused = new PingRequest();
        pings.Start(refused, ConnectionState.Initialized, null);
        Assert.That(refused.Completion.Task.IsFaulted, Is.True);

        var waiting = new PingRequest();
        pings.Start(waiting, ConnectionState.Disconnected, null);
        var reason = new ErrorInfo(80002, 400, "suspended");
        pings.OnStateChanged(Change(ConnectionState.Disconnected, ConnectionState.Suspended, reason), null);
        var error = (AblyException)waiting.Completion.Task.Exception!.GetBaseException();
        Assert.That((error.Code, error.ErrorInfo.Cause), Is.EqualTo((80002, reason)));
    }
}
