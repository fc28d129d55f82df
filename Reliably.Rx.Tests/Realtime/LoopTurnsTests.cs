using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime;

[TestFixture]
public sealed class LoopTurnsTests
{
    [Test]
    public void On_a_virtual_scheduler_each_post_is_one_scheduled_turn_in_order()
    {
        var scheduler = new TestScheduler();
        var turns = new LoopTurns(scheduler, NullLogger.Instance);
        var ran = new List<(int Turn, bool OnLoop)>();
        Assert.That(turns.Post(() => ran.Add((1, turns.IsOnLoop))), Is.True);
        Assert.That(turns.Post(() => ran.Add((2, turns.IsOnLoop))), Is.True);
        Assert.That(ran, Is.Empty, "nothing runs before the scheduler does");
        Assert.That(turns.DedicatedThread, Is.False);

        scheduler.AdvanceBy(1);
        Assert.That(ran, Is.EqualTo(new[] { (1, true), (2, true) }));
        Assert.That(turns.IsOnLoop, Is.False);
    }

    [Test]
    public void Execute_inside_a_turn_runs_at_once_and_post_inside_a_turn_runs_after_it()
    {
        var scheduler = new TestScheduler();
        var turns = new LoopTurns(scheduler, NullLogger.Instance);
        var ran = new List<string>();
        turns.Post(() =>
        {
            turns.Post(() => ran.Add("posted"));
            turns.Execute(() => ran.Add("executed"));
            ran.Add("turn");
        });

        scheduler.AdvanceBy(1);
        Assert.That(ran, Is.EqualTo(new[] { "executed", "turn" }));

        // A post is a turn of its own, one scheduler step later.
        scheduler.AdvanceBy(1);
        Assert.That(ran, Is.EqualTo(new[] { "executed", "turn", "posted" }));
    }

    [Test]
    public void A_throwing_turn_does_not_stop_the_loop()
    {
        var scheduler = new TestScheduler();
        var turns = new LoopTurns(scheduler, NullLogger.Instance);
        var ran = false;
        turns.Post(() => throw new InvalidOperationException("bug"));
        turns.Post(() => ran = true);
        scheduler.AdvanceBy(1);
        Assert.That(ran, Is.True);
    }

    [Test]
    public void After_stop_posts_are_refused()
    {
        var scheduler = new TestScheduler();
        var turns = new LoopTurns(scheduler, NullLogger.Instance);
        turns.Stop();
        var ran = false;
        Assert.That(turns.Post(() => ran = true), Is.False);
        scheduler.AdvanceBy(1);
        Assert.That(ran, Is.False);
        Assert.That(turns.IsStopped, Is.True);
    }

    [Test]
    public async Task On_the_thread_pool_turns_from_many_threads_never_overlap_and_keep_each_posters_order()
    {
        var turns = new LoopTurns(null, NullLogger.Instance);
        const int Posters = 4;
        const int PerPoster = 2_000;
        var inside = 0;
        var overlaps = 0;
        var seen = new List<(int Poster, int Index)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posters = Enumerable.Range(0, Posters).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerPoster; i++)
            {
                var index = i;
                turns.Post(() =>
                {
                    if (Interlocked.Increment(ref inside) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    seen.Add((p, index));
                    if (seen.Count == Posters * PerPoster)
                    {
                        done.TrySetResult();
                    }

                    Interlocked.Decrement(ref inside);
                });
            }
        })).ToArray();

        await Task.WhenAll(posters).WaitAsync(TimeSpan.FromSeconds(30));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(overlaps, Is.Zero);
        for (var p = 0; p < Posters; p++)
        {
            var order = seen.Where(s => s.Poster == p).Select(s => s.Index).ToList();
            Assert.That(order, Is.EqualTo(Enumerable.Range(0, PerPoster)), $"poster {p}'s turns in order");
        }
    }

    [Test]
    public async Task RunOnLoop_runs_on_the_calling_thread_when_the_loop_is_idle()
    {
        var turns = new LoopTurns(null, NullLogger.Instance);
        var thread = Environment.CurrentManagedThreadId;
        var ranOn = -1;
        turns.RunOnLoop(() => ranOn = Environment.CurrentManagedThreadId);
        Assert.That(ranOn, Is.EqualTo(thread));
        await Task.CompletedTask;
    }
}
