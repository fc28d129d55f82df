using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reliably.Rx.Streams;

/// <summary>
/// A hot stream that gives every subscriber its own unbounded FIFO buffer, drained on the delivery scheduler.
/// The producer (the connection loop) never waits for a subscriber, a slow subscriber delays only itself, and a
/// subscriber that throws is reported to <see cref="SubscriberFaulted"/> and keeps receiving the rest of the stream.
/// </summary>
/// <remarks>
/// Delivery contract: notifications to one subscriber never overlap and arrive in the order they were published;
/// a subscriber receives everything published after its subscription took effect; completion is delivered after all
/// buffered items. Buffers are unbounded by design (lossless delivery); their depth is observable through
/// <see cref="DepthChanged"/> so a slow consumer is visible rather than silent.
/// </remarks>
internal sealed class LosslessBroadcast<T> : IObservable<T>, IDisposable
{
    private readonly IScheduler _deliveryScheduler;
    private readonly object _gate = new();
    private volatile Subscriber[] _subscribers = Array.Empty<Subscriber>();
    private bool _completed;

    public LosslessBroadcast(IScheduler deliveryScheduler)
    {
        _deliveryScheduler = deliveryScheduler ?? throw new ArgumentNullException(nameof(deliveryScheduler));
    }

    /// <summary>Raised (on the delivery thread) when a subscriber's OnNext throws; the stream carries on.</summary>
    public event Action<Exception>? SubscriberFaulted;

    /// <summary>Raised with the new buffer depth of a subscriber after it grows or shrinks by a batch.</summary>
    public event Action<int>? DepthChanged;

    public int SubscriberCount => _subscribers.Length;

    /// <summary>Queues an item for every current subscriber. Never blocks on subscribers, never throws.</summary>
    public void Publish(T item)
    {
        var subscribers = _subscribers;
        foreach (var subscriber in subscribers)
        {
            subscriber.Enqueue(new Notification(item));
        }
    }

    /// <summary>Completes every subscriber after its buffered items; later subscribers complete at once.</summary>
    public void Complete()
    {
        Subscriber[] subscribers;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            subscribers = _subscribers;
            _subscribers = Array.Empty<Subscriber>();
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Enqueue(Notification.Completed);
        }
    }

    public IDisposable Subscribe(IObserver<T> observer) => Subscribe(observer, hasFirst: false, default!);

    /// <summary>
    /// Subscribes with <paramref name="first"/> queued ahead of everything published afterwards: for streams that
    /// start with the current value. Call it under the same lock the producer holds around <see cref="Publish"/> to
    /// rule out a gap or a duplicate.
    /// </summary>
    public IDisposable Subscribe(IObserver<T> observer, T first) => Subscribe(observer, hasFirst: true, first);

    private IDisposable Subscribe(IObserver<T> observer, bool hasFirst, T first)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscriber = new Subscriber(this, observer);
        if (hasFirst)
        {
            subscriber.Enqueue(new Notification(first));
        }

        lock (_gate)
        {
            if (_completed)
            {
                subscriber.Enqueue(Notification.Completed);
                return Disposable.Empty;
            }

            _subscribers = [.. _subscribers, subscriber];
        }

        return Disposable.Create(subscriber, static s => s.Owner.Remove(s));
    }

    public void Dispose() => Complete();

    private void Remove(Subscriber subscriber)
    {
        subscriber.Cancel();
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscriber));
        }
    }

    private readonly struct Notification
    {
        public static readonly Notification Completed = new(default!, isCompletion: true);

        public Notification(T value, bool isCompletion = false)
        {
            Value = value;
            IsCompletion = isCompletion;
        }

        public T Value { get; }

        public bool IsCompletion { get; }
    }

    private sealed class Subscriber
    {
        // Items drained per scheduled work item, so one busy stream cannot monopolise a pool thread.
        private const int BatchSize = 256;

        private readonly IObserver<T> _observer;
        private readonly ConcurrentQueue<Notification> _queue = new();
        private int _draining;
        private int _depth;
        private volatile bool _cancelled;

        public Subscriber(LosslessBroadcast<T> owner, IObserver<T> observer)
        {
            Owner = owner;
            _observer = observer;
        }

        public LosslessBroadcast<T> Owner { get; }

        public void Cancel()
        {
            _cancelled = true;
            _queue.Clear();
        }

        public void Enqueue(Notification notification)
        {
            if (_cancelled)
            {
                return;
            }

            _queue.Enqueue(notification);
            var depth = Interlocked.Increment(ref _depth);
            if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                Owner._deliveryScheduler.Schedule(this, static (_, s) => { s.Drain(); return Disposable.Empty; });
            }
            else if ((depth & 1023) == 0)
            {
                Owner.DepthChanged?.Invoke(depth);
            }
        }

        private void Drain()
        {
            var delivered = 0;
            while (delivered < BatchSize && !_cancelled && _queue.TryDequeue(out var notification))
            {
                delivered++;
                Interlocked.Decrement(ref _depth);
                if (notification.IsCompletion)
                {
                    _cancelled = true;
                    Deliver(static o => o.OnCompleted());
                    return;
                }

                var value = notification.Value;
                try
                {
                    _observer.OnNext(value);
                }
                catch (Exception ex)
                {
                    Owner.SubscriberFaulted?.Invoke(ex);
                }
            }

            if (delivered == BatchSize)
            {
                Owner.DepthChanged?.Invoke(Volatile.Read(ref _depth));
            }

            // Release the drain flag, then re-check: an item enqueued between the last TryDequeue and the release
            // would otherwise wait for the next Publish.
            Volatile.Write(ref _draining, 0);
            if (!_cancelled && !_queue.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                Owner._deliveryScheduler.Schedule(this, static (_, s) => { s.Drain(); return Disposable.Empty; });
            }
        }

        private void Deliver(Action<IObserver<T>> action)
        {
            try
            {
                action(_observer);
            }
            catch (Exception ex)
            {
                Owner.SubscriberFaulted?.Invoke(ex);
            }
        }
    }
}
