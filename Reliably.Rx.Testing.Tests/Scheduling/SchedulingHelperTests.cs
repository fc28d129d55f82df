using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Testing.Tests.Scheduling;

/// <summary>The TestScheduler helpers and the scheduler-backed TimeProvider.</summary>
[TestFixture]
public sealed class SchedulingHelperTests
{
    [Test]
    public void AdvanceUntil_stops_at_the_exact_time_of_the_item_that_made_the_condition_true()
    {
        var scheduler = new TestScheduler();
        var fired = 0;
        scheduler.Schedule(TimeSpan.FromSeconds(3), () => fired++);
        scheduler.Schedule(TimeSpan.FromSeconds(7), () => fired++);
        scheduler.Schedule(TimeSpan.FromSeconds(9), () => fired++);

        Assert.That(scheduler.AdvanceUntil(() => fired == 2, TimeSpan.FromMinutes(1)), Is.True);
        Assert.That(scheduler.Elapsed(), Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That(scheduler.AdvanceUntil(() => fired == 5, TimeSpan.FromSeconds(20)), Is.False);
        Assert.That(scheduler.Elapsed(), Is.EqualTo(TimeSpan.FromSeconds(27)), "the limit, exactly");
        Assert.That(fired, Is.EqualTo(3));
    }

    [Test]
    public void RunPending_runs_immediate_work_and_what_it_queues_for_now_but_no_timer()
    {
        var scheduler = new TestScheduler();
        var ran = new List<string>();
        scheduler.Schedule(TimeSpan.FromMilliseconds(1), () => ran.Add("timer"));
        scheduler.Schedule(() =>
        {
            ran.Add("first");
            scheduler.Schedule(() => ran.Add("second"));
        });

        scheduler.AdvanceBy(0);
        Assert.That(ran, Is.Empty, "AdvanceBy(0) runs nothing");

        scheduler.RunPending();

        Assert.That(ran, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(scheduler.Elapsed(), Is.LessThan(TimeSpan.FromMilliseconds(1)));
        scheduler.RunPending();
        Assert.That(ran, Has.Count.EqualTo(2), "nothing more is pending");
    }

    [Test]
    public void AdvanceUntilCompleted_returns_the_result_or_throws_a_timeout_in_virtual_time()
    {
        var scheduler = new TestScheduler();
        var source = new TaskCompletionSource<int>();
        scheduler.Schedule(TimeSpan.FromSeconds(5), () => source.SetResult(42));
        Assert.That(scheduler.AdvanceUntilCompleted(source.Task, TimeSpan.FromSeconds(10)), Is.EqualTo(42));
        Assert.Throws<TimeoutException>(() => scheduler.AdvanceUntilCompleted(new TaskCompletionSource().Task, TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task AdvanceToNextRetry_follows_the_latest_announcement_and_stops_when_the_retry_starts()
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler, new InMemoryAblyOptions { Seed = 5 });
        await using var client = ably.CreateRealtime();
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, TimeSpan.FromSeconds(1));
        ably.Network.Outage(TimeSpan.FromMinutes(10));

        var first = scheduler.AdvanceToNextRetry(client.Connection, TimeSpan.FromMinutes(1));
        Assert.That(first.Current, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(client.Connection.State, Is.Not.EqualTo(ConnectionState.Disconnected));

        ConnectionStateChange last = first;
        while (last.Current != ConnectionState.Suspended)
        {
            last = scheduler.AdvanceToNextRetry(client.Connection, TimeSpan.FromMinutes(1));
        }

        Assert.That(last.RetryIn, Is.EqualTo(TimeSpan.FromSeconds(30)), "RTN14f: suspendedRetryTimeout");
    }

    [Test]
    public async Task SchedulerTimeProvider_runs_timers_and_delays_in_virtual_time()
    {
        var scheduler = new TestScheduler();
        var time = new SchedulerTimeProvider(scheduler);
        var ticks = new List<TimeSpan>();
        using var timer = time.CreateTimer(_ => ticks.Add(scheduler.Elapsed()), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        var delay = Task.Delay(TimeSpan.FromSeconds(4), time);

        scheduler.AdvanceBy(TimeSpan.FromSeconds(9).Ticks);
        Assert.That(ticks, Is.EqualTo(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(8) }));
        Assert.That(delay.IsCompletedSuccessfully, Is.True);
        Assert.That(time.GetUtcNow(), Is.EqualTo(scheduler.Now));

        timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
        Assert.That(ticks[^1], Is.EqualTo(TimeSpan.FromSeconds(10)), "changed: once, 1 s later");
        Assert.That(ticks, Has.Count.EqualTo(4));
        timer.Dispose();
        Assert.That(timer.Change(TimeSpan.Zero, TimeSpan.Zero), Is.False);
        await delay;
    }
}
