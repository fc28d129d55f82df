using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Streams;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Streams;

[TestFixture]
public sealed class LosslessBroadcastTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public void EverySubscriber_ReceivesEveryItem_InOrder()
    {
        var scheduler = new TestScheduler();
        using var broadcast = new LosslessBroadcast<int>(scheduler);
        var first = new List<int>();
        var second = new List<int>();
        using var s1 = broadcast.Subscribe(first.Add);
        using var s2 = broadcast.Subscribe(second.Add);

        for (var i = 0; i < 1000; i++)
        {
            broadcast.Publish(i);
        }

        Assert.That(first, Is.Empty, "delivery happens on the delivery scheduler, not on the publisher's thread");
        scheduler.Start();

        Assert.That(first, Is.EqualTo(Enumerable.Range(0, 1000)));
        Assert.That(second, Is.EqualTo(Enumerable.Range(0, 1000)));
    }

    [Test]
    public void LateSubscriber_ReceivesOnlyItemsPublishedAfterSubscribing()
    {
        var scheduler = new TestScheduler();
        using var broadcast = new LosslessBroadcast<int>(scheduler);
        broadcast.Publish(1);
        var received = new List<int>();
        using var subscription = broadcast.Subscribe(received.Add);
        broadcast.Publish(2);
        scheduler.Start();

        Assert.That(received, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task SlowSubscriber_DelaysOnlyItself()
    {
        using var broadcast = new LosslessBroadcast<int>(ThreadPoolScheduler.Instance);
        using var gate = new ManualResetEventSlim(false);
        var slow = new ConcurrentQueue<int>();
        var fast = new ConcurrentQueue<int>();
        var fastDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 10_000;

        using var s1 = broadcast.Subscribe(i =>
        {
            // The slow subscriber is held until the fast one has everything.
            gate.Wait(Timeout);
            slow.Enqueue(i);
            if (i == count - 1)
            {
                slowDone.TrySetResult();
            }
        });
        using var s2 = broadcast.Subscribe(i =>
        {
            fast.Enqueue(i);
            if (i == count - 1)
            {
                fastDone.TrySetResult();
            }
        });

        for (var i = 0; i < count; i++)
        {
            broadcast.Publish(i);
        }

        await fastDone.Task.WaitAsync(Timeout);
        Assert.That(slow, Is.Empty, "the slow subscriber is still blocked on its first item");
        gate.Set();
        await slowDone.Task.WaitAsync(Timeout);

        Assert.That(fast, Is.EqualTo(Enumerable.Range(0, count)));
        Assert.That(slow, Is.EqualTo(Enumerable.Range(0, count)));
    }

    [Test]
    public void ThrowingSubscriber_IsReported_AndBreaksNeitherItselfNorOthers()
    {
        var scheduler = new TestScheduler();
        using var broadcast = new LosslessBroadcast<int>(scheduler);
        var faults = new List<Exception>();
        broadcast.SubscriberFaulted += faults.Add;
        var thrower = new List<int>();
        var other = new List<int>();
        using var s1 = broadcast.Subscribe(i =>
        {
            thrower.Add(i);
            if (i == 2)
            {
                throw new InvalidOperationException("user bug");
            }
        });
        using var s2 = broadcast.Subscribe(other.Add);

        foreach (var i in new[] { 1, 2, 3 })
        {
            broadcast.Publish(i);
        }

        scheduler.Start();

        Assert.That(faults, Has.Count.EqualTo(1));
        Assert.That(faults[0].Message, Is.EqualTo("user bug"));
        Assert.That(thrower, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(other, Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void Complete_IsDeliveredAfterBufferedItems_AndToLateSubscribers()
    {
        var scheduler = new TestScheduler();
        var broadcast = new LosslessBroadcast<int>(scheduler);
        var events = new List<string>();
        using var s1 = broadcast.Subscribe(i => events.Add("next " + i), () => events.Add("completed"));
        broadcast.Publish(1);
        broadcast.Publish(2);
        broadcast.Complete();
        var late = false;
        using var s2 = broadcast.Subscribe(_ => { }, () => late = true);
        scheduler.Start();

        Assert.That(events, Is.EqualTo(new[] { "next 1", "next 2", "completed" }));
        Assert.That(late, Is.True);
    }

    [Test]
    public void DisposedSubscription_ReceivesNothingMore()
    {
        var scheduler = new TestScheduler();
        using var broadcast = new LosslessBroadcast<int>(scheduler);
        var received = new List<int>();
        var subscription = broadcast.Subscribe(received.Add);
        broadcast.Publish(1);
        subscription.Dispose();
        broadcast.Publish(2);
        scheduler.Start();

        Assert.That(received, Is.Empty);
        Assert.That(broadcast.SubscriberCount, Is.Zero);
    }

    [Test]
    public void DisposedSubscription_ReleasesWhatItHadQueued()
    {
        var scheduler = new TestScheduler();
        using var broadcast = new LosslessBroadcast<object>(scheduler);
        var subscription = broadcast.Subscribe(_ => Assert.Fail("delivered after disposal"));
        var published = PublishUnreferenced(broadcast, 100);

        // No drain has run (the scheduler has not started): disposal itself releases the queued items.
        subscription.Dispose();
        Collect();

        Assert.That(published.Count(w => w.IsAlive), Is.Zero, "items still held by the disposed subscription");
        scheduler.Start();
    }

    [Test]
    public void SubscriptionDisposedByItsOwnSubscriber_ReceivesNothingMore_AndReleasesTheRest()
    {
        var scheduler = new TestScheduler();
        using var broadcast = new LosslessBroadcast<object>(scheduler);
        var received = 0;
        IDisposable? subscription = null;
        subscription = broadcast.Subscribe(_ =>
        {
            // Inside the drain, which holds the queue: the drain releases the rest when it sees the disposal.
            received++;
            subscription!.Dispose();
        });
        var published = PublishUnreferenced(broadcast, 100);
        scheduler.Start();
        Collect();

        Assert.That(received, Is.EqualTo(1));
        Assert.That(published.Skip(1).Count(w => w.IsAlive), Is.Zero, "items still held by the disposed subscription");
    }

    [Test]
    public async Task NotificationsToOneSubscriber_NeverOverlap_OnThePool()
    {
        using var broadcast = new LosslessBroadcast<int>(ThreadPoolScheduler.Instance);
        var validator = new SynchronizationValidator();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        const int count = 50_000;
        using var subscription = validator.Wrap(broadcast).Subscribe(_ =>
        {
            if (Interlocked.Increment(ref received) == count)
            {
                done.TrySetResult();
            }
        });

        // The connection loop is the only publisher; publish from one background thread while delivery runs.
        await Task.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                broadcast.Publish(i);
            }
        });
        await done.Task.WaitAsync(Timeout);

        Assert.That(validator.Overlaps, Is.Zero);
        Assert.That(received, Is.EqualTo(count));
    }

    // In methods of their own: a debug build keeps a method's locals alive to its end.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] PublishUnreferenced(LosslessBroadcast<object> broadcast, int count)
    {
        var published = new WeakReference[count];
        for (var i = 0; i < count; i++)
        {
            var item = new object();
            published[i] = new WeakReference(item);
            broadcast.Publish(item);
        }

        return published;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
