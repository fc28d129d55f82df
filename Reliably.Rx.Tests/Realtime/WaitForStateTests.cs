namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// Connection.WaitForStateAsync in virtual time: a state already reached answers at once, without advancing the
/// scheduler; otherwise the wait, and its timeout, progress only as the test advances the scheduler.
/// </summary>
[TestFixture]
public sealed class WaitForStateTests
{
    [Test]
    public async Task A_state_already_reached_completes_the_wait_without_advancing_the_scheduler()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow();
        var clock = h.Scheduler.Clock;

        var wait = h.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(5));

        Assert.That(wait.IsCompletedSuccessfully, Is.True);
        Assert.That(wait.Result.Current, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Scheduler.Clock, Is.EqualTo(clock));
    }

    [Test]
    public async Task A_wait_completes_as_the_scheduler_advances_and_times_out_in_virtual_time()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var connected = h.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(5));
        var never = h.Connection.WaitForStateAsync(ConnectionState.Closed, TimeSpan.FromSeconds(5));
        h.Transport.Connected();
        h.Pump();
        Assert.That(connected.IsCompletedSuccessfully, Is.True);
        Assert.That(never.IsCompleted, Is.False);

        h.Advance(TimeSpan.FromSeconds(5));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await never);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.Timeout));
    }
}
