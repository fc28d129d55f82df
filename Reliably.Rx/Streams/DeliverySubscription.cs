using System.Reactive.Linq;

namespace Reliably.Rx;

/// <summary>
/// One subscription of a channel stream (<see cref="IDeliveryStream{T}"/>): its lag, its slow-consumer signal, and
/// <see cref="Dispose"/> to unsubscribe. Thread-safe.
/// </summary>
public sealed class DeliverySubscription : IDisposable
{
    private readonly Streams.IDeliveryQueue _queue;

    internal DeliverySubscription(Streams.IDeliveryQueue queue)
    {
        _queue = queue;
    }

    /// <summary>The options the subscription was made with.</summary>
    public DeliveryOptions Options => _queue.Options;

    /// <summary>The lag now: items waiting for the subscriber, and the age of the oldest.</summary>
    public SubscriptionLag Lag => _queue.Lag;

    /// <summary>Items delivered to the subscriber so far.</summary>
    public long Delivered => _queue.Delivered;

    /// <summary>Items dropped by <see cref="OverflowPolicy.DropOldest"/> so far.</summary>
    public long Dropped => _queue.Dropped;

    /// <summary>
    /// The lag, sampled every <see cref="DeliveryOptions.LagSampleInterval"/> on the client's scheduler: the current lag
    /// first, then every sample that differs from the previous one (so it is silent while nothing waits, and reports
    /// the return to zero). Cold: each subscriber samples on its own; it completes when the subscription ends.
    /// </summary>
    public IObservable<SubscriptionLag> LagChanges =>
        Observable.Interval(_queue.Options.LagSampleInterval, _queue.Clock)
            .Select(_ => _queue.Lag)
            .StartWith(_queue.Clock, _queue.Lag)
            .DistinctUntilChanged()
            .TakeUntil(_queue.Ended);

    /// <summary>
    /// Edge-triggered slow-consumer events: <see cref="SlowConsumerState.Slow"/> when the queue reaches
    /// <see cref="DeliveryOptions.SlowConsumerThreshold"/>, <see cref="SlowConsumerState.Recovered"/> when it is back to
    /// half of it, <see cref="SlowConsumerState.Dropped"/> and <see cref="SlowConsumerState.Failed"/> for a full bounded
    /// subscription. Hot; delivered on the delivery scheduler in the order they happened, never on the connection loop.
    /// </summary>
    public IObservable<SlowConsumerEvent> SlowConsumer => _queue.SlowConsumer;

    /// <summary>For a pulling subscription (<see cref="DeliveryOptions.Pull"/>): asks for up to <paramref name="atLeast"/> items.</summary>
    internal void Request(int atLeast) => _queue.Request(atLeast);

    /// <summary>Unsubscribes: nothing more is delivered, and queued items are released. Idempotent.</summary>
    public void Dispose() => _queue.Cancel();
}
