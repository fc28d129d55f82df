using System.Buffers;
using System.Reactive.Concurrency;

namespace Reliably.Rx.Streams;

/// <summary>
/// A hot stream that gives every subscriber its own FIFO (<see cref="DeliveryQueue{T}"/>), drained on the delivery
/// scheduler. The producer (the connection loop) never waits for a subscriber, a slow subscriber delays only itself,
/// and a subscriber that throws is reported to <see cref="SubscriberFaulted"/> and keeps receiving the rest.
/// </summary>
/// <remarks>
/// Delivery contract: notifications to one subscriber never overlap, arrive in the order they were published, and never
/// run on the connection loop or inside a library lock; a subscriber receives everything published after its
/// subscription took effect (filtered by its own predicate); completion follows all queued items. Queues are unbounded
/// unless the subscription asks for a capacity (<see cref="DeliveryOptions"/>); their lag is observable.
/// </remarks>
internal sealed class LosslessBroadcast<T> : IObservable<T>, IDisposable
{
    private readonly object _gate = new();

    // Serializes producers: a subscriber's queue counts what it is given with plain writes (one writer). The loop is
    // the only producer of a channel's feed, so this lock is uncontended there; completion may come from another thread.
    private readonly object _produce = new();

    // Up to this many subscribers, Publish notes which were given the item on the stack.
    private const int StackWakes = 256;
    private volatile DeliveryQueue<T>[] _subscribers = Array.Empty<DeliveryQueue<T>>();
    private bool _completed;

    public LosslessBroadcast(IScheduler deliveryScheduler)
        : this(new SchedulerDeliveryHost(deliveryScheduler ?? throw new ArgumentNullException(nameof(deliveryScheduler))))
    {
    }

    public LosslessBroadcast(IDeliveryHost host)
    {
        Host = host;
    }

    /// <summary>Raised (on the delivery thread) when a subscriber's OnNext throws; the stream carries on.</summary>
    public event Action<Exception>? SubscriberFaulted;

    /// <summary>Raised with a subscriber's queue depth after a full drain batch (it is behind), and with 0 when it caught up.</summary>
    public event Action<int>? DepthChanged;

    public IDeliveryHost Host { get; }

    public int SubscriberCount => _subscribers.Length;

    /// <summary>Every kind: the kinds mask of a subscriber that takes everything, and of an item of no particular kind.</summary>
    public const int AllKinds = -1;

    /// <summary>Queues an item for every current subscriber that accepts it. Never blocks on subscribers, never throws.</summary>
    public void Publish(T item) => Publish(item, AllKinds);

    /// <summary>
    /// Queues an item of one <paramref name="kind"/> (a bit) for every current subscriber whose kinds include it and
    /// whose filter accepts it: a mask test per subscriber, so that streams of one kind cost no call for the others.
    /// </summary>
    public void Publish(T item, int kind)
    {
        if (_subscribers.Length == 0)
        {
            return;
        }

        // One clock read per item, whatever the number of subscribers: the age of the oldest item is the lag.
        var ticks = Host.Clock.Now.UtcTicks;
        DeliveryQueue<T>[] subscribers;
        var rented = default(bool[]);
        Span<bool> queued = stackalloc bool[Math.Min(_subscribers.Length, StackWakes)];
        lock (_produce)
        {
            subscribers = _subscribers;
            if (subscribers.Length > queued.Length)
            {
                queued = rented = ArrayPool<bool>.Shared.Rent(subscribers.Length);
            }

            for (var i = 0; i < subscribers.Length; i++)
            {
                queued[i] = subscribers[i].Enqueue(item, ticks, kind);
            }
        }

        Wake(subscribers, queued[..subscribers.Length]);
        if (rented is not null)
        {
            ArrayPool<bool>.Shared.Return(rented);
        }
    }

    /// <summary>Completes every subscriber after its queued items; later subscribers complete at once.</summary>
    public void Complete()
    {
        DeliveryQueue<T>[] subscribers;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            subscribers = _subscribers;
            _subscribers = Array.Empty<DeliveryQueue<T>>();
        }

        var queued = new bool[subscribers.Length];
        lock (_produce)
        {
            for (var i = 0; i < subscribers.Length; i++)
            {
                queued[i] = subscribers[i].EnqueueCompletion();
            }
        }

        Wake(subscribers, queued);
    }

    /// <summary>
    /// Wakes the drains of the subscribers given an item, outside the producers' lock (a drain may run inline on a
    /// scheduler that does so). One full fence for all of them between their items and the reads of their drain claims
    /// (see <see cref="DeliveryQueue{T}.Wake"/>), instead of an interlocked instruction on each queue's shared line.
    /// </summary>
    private static void Wake(DeliveryQueue<T>[] subscribers, ReadOnlySpan<bool> queued)
    {
        Interlocked.MemoryBarrier();
        for (var i = 0; i < queued.Length; i++)
        {
            if (queued[i])
            {
                subscribers[i].Wake();
            }
        }
    }

    public IDisposable Subscribe(IObserver<T> observer) => Subscribe(observer, DeliveryOptions.Default, null, null, hasFirst: false, default!);

    /// <summary>
    /// Subscribes with <paramref name="first"/> queued ahead of everything published afterwards: for streams that
    /// start with the current value. Call it under the same lock the producer holds around <see cref="Publish(T)"/> (inside
    /// a <see cref="DeliveryGuard"/> scope) to rule out a gap or a duplicate.
    /// </summary>
    public IDisposable Subscribe(IObserver<T> observer, T first) => Subscribe(observer, DeliveryOptions.Default, null, null, hasFirst: true, first);

    /// <summary>
    /// Subscribes with options, the kinds taken (a mask of the kinds given to <see cref="Publish(T, int)"/>), an optional
    /// filter (both applied by the producer) and traits for gap reports.
    /// </summary>
    public DeliverySubscription Subscribe(IObserver<T> observer, DeliveryOptions options, Func<T, bool>? filter, DeliveryTraits<T>? traits, bool hasFirst, T first, int kinds = AllKinds)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscriber = new DeliveryQueue<T>(this, observer, options, filter, traits, kinds);
        if (hasFirst)
        {
            subscriber.EnqueueBeforeProducer(new DeliveryEntry<T>(first, Host.Clock.Now.UtcTicks));
        }

        bool completed;
        lock (_gate)
        {
            completed = _completed;
            if (!completed)
            {
                _subscribers = [.. _subscribers, subscriber];
            }
        }

        if (completed)
        {
            subscriber.EnqueueBeforeProducer(DeliveryEntry<T>.Completion);
        }

        return new DeliverySubscription(subscriber);
    }

    public void Dispose() => Complete();

    internal void Remove(DeliveryQueue<T> subscriber)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscriber));
        }
    }

    internal void OnSubscriberFaulted(Exception ex) => SubscriberFaulted?.Invoke(ex);

    internal void OnDepthSample(int depth) => DepthChanged?.Invoke(depth);
}
