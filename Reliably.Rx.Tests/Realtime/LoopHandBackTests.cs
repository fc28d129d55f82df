using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime;

// The sources complete synchronously (no RunContinuationsAsynchronously) so that the hand-back's post has happened
// when SetResult returns: the test then decides, with the TestScheduler, when the loop turn runs.
[TestFixture]
public sealed class LoopHandBackTests
{
    [Test]
    public async Task A_finished_task_is_handled_at_once()
    {
        await using var h = new RealtimeHarness();
        var handled = new List<int>();
        h.Loop.WhenDone(Task.FromResult(1), t => handled.Add(t.Result));
        Assert.That(handled, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task An_unfinished_task_is_handled_in_a_loop_turn_after_it_finishes()
    {
        await using var h = new RealtimeHarness();
        var source = new TaskCompletionSource<int>();
        var handled = new List<(int Value, bool OnLoop)>();
        h.Loop.WhenDone(source.Task, t => handled.Add((t.Result, h.Loop.IsOnLoop)));

        source.SetResult(2);
        Assert.That(handled, Is.Empty, "the outcome waits for a loop turn");

        h.Pump();
        Assert.That(handled, Is.EqualTo(new[] { (2, true) }));
    }

    [Test]
    public async Task A_faulted_task_is_handed_back_too()
    {
        await using var h = new RealtimeHarness();
        var source = new TaskCompletionSource<int>();
        Exception? seen = null;
        h.Loop.WhenDone(source.Task, t => seen = t.Exception?.GetBaseException());

        source.SetException(new InvalidOperationException("boom"));
        h.Pump();
        Assert.That(seen, Is.TypeOf<InvalidOperationException>());
    }
}
