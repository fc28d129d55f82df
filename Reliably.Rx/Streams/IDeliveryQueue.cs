using System.Reactive;
using System.Reactive.Concurrency;

namespace Reliably.Rx.Streams;

/// <summary>The non-generic face of a subscriber's queue, behind <see cref="DeliverySubscription"/>.</summary>
internal interface IDeliveryQueue
{
    DeliveryOptions Options { get; }

    SubscriptionLag Lag { get; }

    long Delivered { get; }

    long Dropped { get; }

    /// <summary>The client's scheduler, for sampling the lag.</summary>
    IScheduler Clock { get; }

    /// <summary>Signals once, when the subscription ends (cancelled, completed or failed).</summary>
    IObservable<Unit> Ended { get; }

    IObservable<SlowConsumerEvent> SlowConsumer { get; }

    void Cancel();

    /// <summary>For a pulling subscription: lets the drain deliver until <paramref name="atLeast"/> items are handed over.</summary>
    void Request(int atLeast);
}
