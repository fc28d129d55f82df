using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Concurrency;
using Reliably.Rx.Streams;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Streams;

/// <summary>
/// Delivery on the thread pool goes through one shared dispatcher that drains many subscribers' queues per work item
/// (<see cref="DeliveryDispatcher"/>): a subscriber blocked in its handler must still delay only itself, across
/// broadcasts (channels) as within one, and each subscription keeps its order and loses nothing.
/// </summary>
[TestFixture]
public sealed class DeliveryDispatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_dispatcher_inside_a_blocked_queue_has_another_queued_for_the_queues_waiting_behind_it()
    {
        var workItems = new ConcurrentQueue<IThreadPoolWorkItem>();
        var dispatcher = new DeliveryDispatcher(workItems.Enqueue);
        using var gate = new ManualResetEventSlim(false);
        var blocked = new FakeQueue(() => gate.Wait(Timeout));
        var waiting = new FakeQueue(() => { });
        dispatcher.Ready(blocked);
        dispatcher.Ready(waiting);
        Assert.That(workItems, Has.Count.EqualTo(1), "one work item for both queues");

        workItems.TryDequeue(out var first);
        var firstRun = Task.Run(first!.Execute);
        await blocked.Entered.WaitAsync(Timeout);

        // The first dispatcher is inside the blocked queue's handler: a second one was queued, and it drains the other.
        Assert.That(workItems.TryDequeue(out var second), Is.True, "a dispatcher is queued for the waiting queue");
        second!.Execute();
        Assert.That(waiting.Batches, Is.EqualTo(1));
        gate.Set();
        await firstRun.WaitAsync(Timeout);
        Assert.That(blocked.Batches, Is.EqualTo(1));
    }

    [Test]
    public async Task A_queue_that_joins_while_every_dispatcher_is_inside_a_handler_gets_a_dispatcher_of_its_own()
    {
        var workItems = new ConcurrentQueue<IThreadPoolWorkItem>();
        var dispatcher = new DeliveryDispatcher(workItems.Enqueue);
        using var gate = new ManualResetEventSlim(false);
        var blocked = new FakeQueue(() => gate.Wait(Timeout));
        var later = new FakeQueue(() => { });
        dispatcher.Ready(blocked);
        workItems.TryDequeue(out var first);
        var firstRun = Task.Run(first!.Execute);
        await blocked.Entered.WaitAsync(Timeout);
        Assert.That(workItems, Is.Empty, "nothing waits: no second dispatcher");

        dispatcher.Ready(later);
        Assert.That(workItems.TryDequeue(out var second), Is.True, "the queue that joined has a dispatcher queued");
        second!.Execute();
        Assert.That(later.Batches, Is.EqualTo(1));
        gate.Set();
        await firstRun.WaitAsync(Timeout);
    }

    [Test]
    public void One_work_item_delivers_every_ready_queue_in_turn_one_batch_each()
    {
        var workItems = new ConcurrentQueue<IThreadPoolWorkItem>();
        var dispatcher = new DeliveryDispatcher(workItems.Enqueue);
        var order = new List<string>();
        var busy = new FakeQueue(() => order.Add("busy"), moreTurns: 2);
        var quiet = new FakeQueue(() => order.Add("quiet"));
        dispatcher.Ready(busy);
        dispatcher.Ready(quiet);
        workItems.TryDequeue(out var only);
        var dispatchers = 1;
        while (only is not null)
        {
            // Run inline here: a queue waiting behind another keeps a spare dispatcher queued, which finds nothing.
            only.Execute();
            only = workItems.TryDequeue(out var next) ? next : null;
            dispatchers += only is null ? 0 : 1;
        }

        // A queue that wants more goes behind the others: the quiet queue is not held up by the busy one's batches.
        Assert.That(order, Is.EqualTo(new[] { "busy", "quiet", "busy", "busy" }));
        Assert.That(dispatchers, Is.LessThanOrEqualTo(2), "no work item per batch");
    }

    [Test]
    public async Task A_subscriber_blocked_in_its_handler_does_not_stall_a_subscriber_of_another_channel()
    {
        using var blockedChannel = new LosslessBroadcast<int>(ThreadPoolScheduler.Instance);
        using var otherChannel = new LosslessBroadcast<int>(ThreadPoolScheduler.Instance);
        using var gate = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var blocked = blockedChannel.Subscribe(i =>
        {
            entered.TrySetResult();
            gate.Wait(Timeout);
            released.TrySetResult();
        });
        using var other = otherChannel.Subscribe(i => received.TrySetResult(i));

        blockedChannel.Publish(1);
        await entered.Task.WaitAsync(Timeout);

        // The dispatcher that took the first channel's queue is inside its handler: the other channel's item arrives.
        otherChannel.Publish(2);
        Assert.That(await received.Task.WaitAsync(Timeout), Is.EqualTo(2));
        Assert.That(released.Task.IsCompleted, Is.False, "the blocked subscriber is still in its handler");
        gate.Set();
        await released.Task.WaitAsync(Timeout);
    }

    [Test]
    public async Task A_blocked_subscriber_does_not_stall_the_channels_queued_behind_it()
    {
        // Published in one go: the other channels' queues are ready behind the blocked one, or join while it blocks.
        const int channels = 500;
        var broadcasts = Enumerable.Range(0, channels).Select(_ => new LosslessBroadcast<int>(ThreadPoolScheduler.Instance)).ToArray();
        using var gate = new ManualResetEventSlim(false);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var others = new CountdownEvent(channels - 1);
        var othersDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriptions = new List<IDisposable>
        {
            broadcasts[0].Subscribe(_ =>
            {
                gate.Wait(Timeout);
                released.TrySetResult();
            }),
        };
        for (var c = 1; c < channels; c++)
        {
            subscriptions.Add(broadcasts[c].Subscribe(_ =>
            {
                if (others.Signal())
                {
                    othersDone.TrySetResult();
                }
            }));
        }

        foreach (var broadcast in broadcasts)
        {
            broadcast.Publish(1);
        }

        await othersDone.Task.WaitAsync(Timeout);
        Assert.That(released.Task.IsCompleted, Is.False, "the blocked subscriber is still in its handler");
        gate.Set();
        await released.Task.WaitAsync(Timeout);
        subscriptions.ForEach(s => s.Dispose());
        Array.ForEach(broadcasts, b => b.Dispose());
        others.Dispose();
    }

    [Test]
    public Task Every_subscription_of_many_channels_receives_everything_in_order_without_overlap() =>
        ManyChannelsInOrder(i => i);

    [Test]
    public Task Items_that_travel_with_their_queue_arrive_in_order_without_overlap_across_many_channels() =>
        // Items of a reference type go to an idle queue with the queue itself (QueueTraits.Carries), later ones into
        // its ring: whichever way each one travels, every subscription gets all of them in order.
        ManyChannelsInOrder(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Test]
    public void An_item_for_an_idle_queue_travels_with_the_queue_and_its_ring_entry_keeps_only_the_time()
    {
        // A young reference written into a long-lived ring marks the ring's card for the next collection: with thousands
        // of channels, every gen-0 collection scanned thousands of rings. An idle queue's item goes to the dispatcher.
        var workItems = new ConcurrentQueue<IThreadPoolWorkItem>();
        var dispatcher = new DeliveryDispatcher(workItems.Enqueue);
        using var broadcast = new LosslessBroadcast<string>(new SchedulerDeliveryHost(ThreadPoolScheduler.Instance, dispatcher));
        var received = new List<string>();
        var subscription = broadcast.Subscribe(Observer.Create<string>(received.Add), DeliveryOptions.Default, null, null, hasFirst: false, null!);
        var first = new string('a', 3);
        broadcast.Publish(first);
        broadcast.Publish("b");

        Assert.That(RingValues(subscription), Has.None.SameAs(first), "the idle queue's item is not in its ring");
        Assert.That(RingValues(subscription), Has.Some.EqualTo("b"), "the next one, for a queue already claimed, is");
        Assert.That(subscription.Lag.Queued, Is.EqualTo(2), "both are counted as queued");
        Assert.That(workItems, Has.Count.EqualTo(1));
        workItems.TryDequeue(out var work);
        work!.Execute();
        Assert.That(received, Is.EqualTo(new[] { "aaa", "b" }));
        Assert.That(subscription.Lag, Is.EqualTo(SubscriptionLag.None));

        // Idle again: the next item travels with the queue too.
        var third = new string('c', 3);
        broadcast.Publish(third);
        Assert.That(RingValues(subscription), Has.None.SameAs(third));
        workItems.TryDequeue(out work);
        work!.Execute();
        Assert.That(received, Is.EqualTo(new[] { "aaa", "b", "ccc" }));
        subscription.Dispose();
    }

    private static async Task ManyChannelsInOrder<T>(Func<int, T> item)
    {
        const int channels = 300;
        const int perChannel = 200;
        var broadcasts = Enumerable.Range(0, channels).Select(_ => new LosslessBroadcast<T>(ThreadPoolScheduler.Instance)).ToArray();
        var validators = new SynchronizationValidator[channels * 2];
        var received = new ConcurrentQueue<T>[channels * 2];
        var completed = new CountdownEvent(channels * 2);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriptions = new List<IDisposable>();
        for (var s = 0; s < channels * 2; s++)
        {
            var items = received[s] = new ConcurrentQueue<T>();
            var validator = validators[s] = new SynchronizationValidator();
            subscriptions.Add(validator.Wrap(broadcasts[s / 2]).Subscribe(
                items.Enqueue,
                () =>
                {
                    if (completed.Signal())
                    {
                        done.TrySetResult();
                    }
                }));
        }

        // One producer, as the connection loop is, the channels in turn.
        await Task.Run(() =>
        {
            for (var i = 0; i < perChannel; i++)
            {
                var value = item(i);
                foreach (var broadcast in broadcasts)
                {
                    broadcast.Publish(value);
                }
            }

            Array.ForEach(broadcasts, b => b.Complete());
        });
        await done.Task.WaitAsync(Timeout);

        var expected = Enumerable.Range(0, perChannel).Select(item).ToArray();
        Assert.Multiple(() =>
        {
            for (var s = 0; s < channels * 2; s++)
            {
                Assert.That(received[s], Is.EqualTo(expected), $"subscription {s}");
                Assert.That(validators[s].Overlaps, Is.Zero, $"subscription {s}");
            }
        });
        subscriptions.ForEach(s => s.Dispose());
        completed.Dispose();
    }

    /// <summary>The values in the slots of a subscription's ring (its queue's private state, read for the test).</summary>
    private static IEnumerable<string?> RingValues(DeliverySubscription subscription)
    {
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        var queue = typeof(DeliverySubscription).GetField("_queue", Private)!.GetValue(subscription)!;
        var ring = queue.GetType().GetField("_ring", Private)!.GetValue(queue)!;
        var head = ring.GetType().GetField("_head", Private)!.GetValue(ring)!;
        var slots = (DeliveryEntry<string>[])head.GetType().GetField("Slots")!.GetValue(head)!;
        return slots.Select(e => e.Value).ToArray();
    }

    [Test]
    public async Task Overflow_policies_behave_as_before_with_many_channels_on_the_pool()
    {
        // A blocked subscriber of each kind, with a capacity of 10: Fail ends it with 80020, DropOldest reports the gap
        // and delivers the newest items; a subscriber of another channel receives everything meanwhile.
        using var failing = new LosslessBroadcast<int>(ThreadPoolScheduler.Instance);
        using var dropping = new LosslessBroadcast<string>(ThreadPoolScheduler.Instance);
        using var unbounded = new LosslessBroadcast<int>(ThreadPoolScheduler.Instance);
        using var gate = new ManualResetEventSlim(false);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropped = new ConcurrentQueue<int>();
        var droppedDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new ConcurrentQueue<int>();
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 100;
        var bound = new DeliveryOptions { Capacity = 10, Overflow = OverflowPolicy.Fail };

        using var s1 = failing.Subscribe(
            Observer.Create<int>(_ => gate.Wait(Timeout), ex => failed.TrySetResult(ex)), bound, null, null, hasFirst: false, 0);
        using var s2 = dropping.Subscribe(
            Observer.Create<string>(
                item =>
                {
                    gate.Wait(Timeout);
                    var i = int.Parse(item, System.Globalization.CultureInfo.InvariantCulture);
                    dropped.Enqueue(i);
                    if (i == count - 1)
                    {
                        droppedDone.TrySetResult();
                    }
                }),
            bound with { Overflow = OverflowPolicy.DropOldest },
            null,
            null,
            hasFirst: false,
            string.Empty);
        using var s3 = unbounded.Subscribe(i =>
        {
            all.Enqueue(i);
            if (i == count - 1)
            {
                allDone.TrySetResult();
            }
        });

        for (var i = 0; i < count; i++)
        {
            failing.Publish(i);
            dropping.Publish(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            unbounded.Publish(i);
        }

        await allDone.Task.WaitAsync(Timeout);
        gate.Set();
        var failure = await failed.Task.WaitAsync(Timeout);
        await droppedDone.Task.WaitAsync(Timeout);

        Assert.That(all, Is.EqualTo(Enumerable.Range(0, count)));
        Assert.That(failure, Is.TypeOf<AblyException>());
        Assert.That(((AblyException)failure).Code, Is.EqualTo(ErrorCodes.DeliveryRateExceeded));
        Assert.That(s2.Dropped, Is.GreaterThan(0));
        Assert.That(dropped, Is.Ordered.And.Unique);
        Assert.That(dropped.Last(), Is.EqualTo(count - 1));
    }

    /// <summary>A ready queue that runs an action per batch and asks for <paramref name="moreTurns"/> more.</summary>
    private sealed class FakeQueue(Action batch, int moreTurns = 0) : IReadyQueue
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _batches;

        public Task Entered => _entered.Task;

        public int Batches => Volatile.Read(ref _batches);

        public bool DrainBatch(object? carried)
        {
            _entered.TrySetResult();
            batch();
            return Interlocked.Increment(ref _batches) <= moreTurns;
        }
    }
}
