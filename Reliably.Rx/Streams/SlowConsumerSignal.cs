using System.Reactive.Concurrency;

namespace Reliably.Rx.Streams;

/// <summary>
/// One subscription's slow-consumer events (<see cref="DeliverySubscription.SlowConsumer"/>): edge-triggered Slow and
/// Recovered around the threshold, plus Dropped and Failed as they happen. Its own stream is created on first use.
/// </summary>
/// <param name="deliveryScheduler">Where the events are delivered.</param>
/// <param name="threshold">The depth at which the subscription is slow; it has recovered at half of it.</param>
/// <param name="depth">The subscription's current depth.</param>
/// <param name="lag">The subscription's current lag.</param>
/// <param name="dropped">How many items the subscription has dropped so far.</param>
internal sealed class SlowConsumerSignal(IScheduler deliveryScheduler, int threshold, Func<int> depth, Func<SubscriptionLag> lag, Func<long> dropped)
{
    private readonly object _gate = new();
    private LosslessBroadcast<SlowConsumerEvent>? _events;
    private int _slow;
    private bool _behind;

    /// <summary>True between Slow and Recovered: only then does the drainer need the depth after a take.</summary>
    public bool IsSlow => Volatile.Read(ref _slow) == 1;

    public IObservable<SlowConsumerEvent> Events
    {
        get
        {
            if (Volatile.Read(ref _events) is { } events)
            {
                return events;
            }

            // Its own subscribers need no slow-consumer signal of their own: a plain host on the same scheduler.
            var created = new LosslessBroadcast<SlowConsumerEvent>(new SchedulerDeliveryHost(deliveryScheduler));
            return Interlocked.CompareExchange(ref _events, created, null) ?? created;
        }
    }

    /// <summary>Called by the producer with the depth after an enqueue that may have reached the threshold.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Grew(int newDepth)
    {
        if (newDepth >= threshold && Volatile.Read(ref _slow) == 0)
        {
            Transition(to: 1);
        }
    }

    /// <summary>Called by the drainer with the depth after a take, while the subscription is slow.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Shrank(int newDepth)
    {
        if (Volatile.Read(ref _slow) == 1 && newDepth <= threshold / 2)
        {
            Transition(to: 0);
        }
    }

    /// <summary>Publishes an event; <paramref name="count"/> 0 stands for the subscription's total dropped so far.</summary>
    public void Raise(SlowConsumerState state, long count = 0, Message? anchor = null)
    {
        if (state != SlowConsumerState.Dropped)
        {
            var tag = state switch { SlowConsumerState.Slow => "slow", SlowConsumerState.Recovered => "recovered", _ => "failed" };
            ReliablyRxDiagnostics.SlowConsumers.Add(1, new KeyValuePair<string, object?>("state", tag));
        }

        Volatile.Read(ref _events)?.Publish(new SlowConsumerEvent(state, lag(), count == 0 ? dropped() : count, anchor?.Id, anchor?.Serial));
    }

    /// <summary>
    /// After a drain (drainer only): the depth to sample, while the subscriber is behind (a full batch) and once more
    /// when it has caught up, so the depth histogram sees the recovery; otherwise null.
    /// </summary>
    public int? DepthToSample(bool fullBatch, int depth)
    {
        if (fullBatch)
        {
            _behind = true;
            return depth;
        }

        if (_behind && depth == 0)
        {
            _behind = false;
            return 0;
        }

        return null;
    }

    public void Complete() => Volatile.Read(ref _events)?.Complete();

    /// <summary>
    /// Slow (1) or recovered (0): decided and published under one lock, so the producer's Slow and the drainer's
    /// Recovered reach subscribers in the order they happened.
    /// </summary>
    private void Transition(int to)
    {
        using (DeliveryGuard.Enter())
        {
            lock (_gate)
            {
                var now = depth();
                var holds = to == 1 ? now >= threshold : now <= threshold / 2;
                if (holds && Interlocked.CompareExchange(ref _slow, to, 1 - to) == 1 - to)
                {
                    Raise(to == 1 ? SlowConsumerState.Slow : SlowConsumerState.Recovered);
                }
            }
        }
    }
}
