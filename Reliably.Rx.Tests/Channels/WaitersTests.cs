using Reliably.Rx.Channels;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The callers waiting for an attach or detach outcome.</summary>
[TestFixture]
public sealed class WaitersTests
{
    private static TaskCompletionSource<bool> Waiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Test]
    public void Complete_and_Fail_settle_every_waiter_once_and_a_null_waiter_is_nobody()
    {
        var waiters = new Waiters();
        var first = Waiter();
        var second = Waiter();
        waiters.Add(first);
        waiters.Add(null);
        waiters.Add(second);
        waiters.Complete();
        Assert.That(first.Task.IsCompletedSuccessfully && second.Task.IsCompletedSuccessfully, Is.True);

        var third = Waiter();
        waiters.Add(third);
        waiters.Fail(new ErrorInfo(90007, 408, "timed out"));
        Assert.That(((AblyException)third.Task.Exception!.InnerException!).ErrorInfo.Code, Is.EqualTo(90007));

        // Settled waiters are gone: nothing is left to fail.
        waiters.Fail(new ErrorInfo(80017, 400, "disposed"));
        Assert.That(first.Task.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void A_waiter_added_while_completing_waits_for_the_next_outcome()
    {
        var waiters = new Waiters();
        var late = Waiter();

        // Not RunContinuationsAsynchronously: its continuation runs inside Complete, as the channel's DetachThen does.
        var first = new TaskCompletionSource<bool>();
        first.Task.ContinueWith(_ => waiters.Add(late), TaskContinuationOptions.ExecuteSynchronously);
        waiters.Add(first);
        waiters.Complete();
        Assert.That(late.Task.IsCompleted, Is.False);

        waiters.Complete();
        Assert.That(late.Task.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void The_list_exists_only_while_someone_waits()
    {
        var waiters = new Waiters();
        Assert.That(waiters.HasWaiters, Is.False);
        waiters.Add(null);
        Assert.That(waiters.HasWaiters, Is.False);

        var first = Waiter();
        waiters.Add(first);
        Assert.That(waiters.HasWaiters, Is.True);
        waiters.Complete();
        Assert.That(waiters.HasWaiters, Is.False);
        Assert.That(first.Task.IsCompletedSuccessfully, Is.True);

        // Nobody waits: completing or failing again does nothing.
        waiters.Complete();
        waiters.Fail(new ErrorInfo(80017, 400, "disposed"));
        Assert.That(waiters.HasWaiters, Is.False);
    }
}
