using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Subjects;

namespace Reliably.Rx.Streams;

/// <summary>
/// One subscriber's FIFO: the producer (the connection loop) enqueues and never waits; a single drainer at a time
/// delivers on the delivery scheduler, never on the loop or under a library lock. Tracks the lag (count and the age of
/// the oldest item), raises edge-triggered slow-consumer events, and applies the subscription's capacity.
/// </summary>
internal sealed class DeliveryQueue<T> : IDeliveryQueue
{
    // Items drained per scheduled work item, so one busy stream cannot monopolise a pool thread.
    private const int BatchSize = 256;

    private readonly LosslessBroadcast<T> _owner;
    private readonly IObserver<T> _observer;
    private readonly Func<T, bool>? _filter;
    private readonly DeliveryTraits<T>? _traits;
    private readonly ConcurrentQueue<Entry> _queue = new();
    private readonly object _dropGate = new();
    private readonly AsyncSubject<Unit> _ended = new();
    private LosslessBroadcast<SlowConsumerEvent>? _events;
    private Exception? _failure;
    private long _gap;
    private Message? _lastDelivered;
    private long _delivered;
    private long _dropped;
    private int _draining;
    private int _depth;
    private int _slow;
    private int _ending;
    private bool _behind;
    private volatile bool _cancelled;

    public DeliveryQueue(LosslessBroadcast<T> owner, IObserver<T> observer, DeliveryOptions options, Func<T, bool>? filter, DeliveryTraits<T>? traits)
    {
        _owner = owner;
        _observer = observer;
        Options = options;
        _filter = filter;
        _traits = traits;
    }

    public DeliveryOptions Options { get; }

    public IScheduler Clock => _owner.Host.Clock;

    public IObservable<Unit> Ended => _ended;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Dropped => Interlocked.Read(ref _dropped);

    public SubscriptionLag Lag
    {
        get
        {
            var queued = Math.Max(Volatile.Read(ref _depth), 0);
            if (queued == 0 || !_queue.TryPeek(out var oldest))
            {
                return new SubscriptionLag(queued, TimeSpan.Zero);
            }

            var age = TimeSpan.FromTicks(Math.Max(0, Clock.Now.UtcTicks - oldest.Ticks));
            return new SubscriptionLag(queued, age);
        }
    }

    public IObservable<SlowConsumerEvent> SlowConsumer
    {
        get
        {
            if (Volatile.Read(ref _events) is { } events)
            {
                return events;
            }

            // Its own subscribers need no slow-consumer signal of their own: a plain host on the same scheduler.
            var created = new LosslessBroadcast<SlowConsumerEvent>(new SchedulerDeliveryHost(_owner.Host.DeliveryScheduler));
            return Interlocked.CompareExchange(ref _events, created, null) ?? created;
        }
    }

    /// <summary>Queues an item (producer side; never blocks, never runs user code).</summary>
    public void Enqueue(T value, long ticks)
    {
        if (_cancelled || (_filter is not null && !_filter(value)))
        {
            return;
        }

        if (Options.Capacity is { } capacity && Volatile.Read(ref _depth) >= capacity && !MakeRoom(capacity))
        {
            return;
        }

        Add(new Entry(value, ticks, EntryKind.Item));
    }

    /// <summary>Queues completion after everything already queued, whatever the capacity.</summary>
    public void EnqueueCompletion() => Add(new Entry(default!, 0, EntryKind.Completed));

    /// <summary>Queues the first item (a stream's current value), ahead of anything published later.</summary>
    public void EnqueueFirst(T value, long ticks) => Add(new Entry(value, ticks, EntryKind.Item));

    public void Cancel()
    {
        if (_cancelled)
        {
            return;
        }

        _cancelled = true;
        _queue.Clear();
        Volatile.Write(ref _depth, 0);
        _owner.Remove(this);
        SignalEnded();
    }

    private void Add(Entry entry)
    {
        if (_cancelled)
        {
            return;
        }

        _queue.Enqueue(entry);
        var depth = Interlocked.Increment(ref _depth);
        if (depth >= Options.SlowConsumerThreshold && Volatile.Read(ref _slow) == 0)
        {
            Transition(to: 1);
        }

        ScheduleDrain();
    }

    /// <summary>A full bounded queue: drop the oldest (DropOldest) or end the subscription (Fail). True when the new item may be queued.</summary>
    private bool MakeRoom(int capacity)
    {
        if (Options.Overflow == OverflowPolicy.Fail)
        {
            if (Interlocked.CompareExchange(ref _failure, Failure(capacity), null) is null)
            {
                Raise(SlowConsumerState.Failed, 0);
                ReliablyRxDiagnostics.SlowConsumers.Add(1, new KeyValuePair<string, object?>("state", "failed"));
                ScheduleDrain();
            }

            return false;
        }

        lock (_dropGate)
        {
            while (Volatile.Read(ref _depth) >= capacity && _queue.TryDequeue(out var oldest))
            {
                if (oldest.Kind == EntryKind.Completed)
                {
                    // Never dropped: put back in front is impossible, so keep the stream's end by refusing the item.
                    _queue.Enqueue(oldest);
                    return false;
                }

                Interlocked.Decrement(ref _depth);
                _gap++;
                Interlocked.Increment(ref _dropped);
            }
        }

        ReliablyRxDiagnostics.SubscriberDropped.Add(1);
        return true;
    }

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _owner.Host.DeliveryScheduler.Schedule(this, static (_, s) =>
            {
                s.Drain();
                return Disposable.Empty;
            });
        }
    }

    private void Drain()
    {
        if (_owner.Host.MustNotRunUserCode)
        {
            // A scheduler that ran the drain inline, on the loop or inside a library lock: user code must not run here.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Drain(), this, preferLocal: false);
            return;
        }

        var delivered = 0;
        while (delivered < BatchSize && !_cancelled)
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                Cancel();
                Deliver(failure);
                return;
            }

            if (!TryTake(out var entry, out var gap))
            {
                break;
            }

            delivered++;
            if (gap > 0)
            {
                ReportGap(gap);
                continue;
            }

            var depth = Interlocked.Decrement(ref _depth);
            if (entry.Kind == EntryKind.Completed)
            {
                _cancelled = true;
                _owner.Remove(this);
                Deliver(null);
                return;
            }

            if (Volatile.Read(ref _slow) == 1 && depth <= Options.SlowConsumerThreshold / 2)
            {
                Transition(to: 0);
            }

            Deliver(entry.Value);
        }

        // The depth is sampled while the subscriber is behind (a full batch), and once more when it has caught up.
        if (delivered == BatchSize)
        {
            _behind = true;
            _owner.OnDepthSample(Volatile.Read(ref _depth));
        }
        else if (_behind && Volatile.Read(ref _depth) == 0)
        {
            _behind = false;
            _owner.OnDepthSample(0);
        }

        // Release the drain flag, then re-check: an item enqueued between the last take and the release would
        // otherwise wait for the next Publish.
        Volatile.Write(ref _draining, 0);
        if (!_cancelled && (!_queue.IsEmpty || Volatile.Read(ref _failure) is not null))
        {
            ScheduleDrain();
        }
    }

    private bool TryTake(out Entry entry, out long gap)
    {
        if (Options.Overflow != OverflowPolicy.DropOldest || Options.Capacity is null)
        {
            gap = 0;
            return _queue.TryDequeue(out entry);
        }

        // Dropping happens at the head: the gap is reported before the next item, under the same lock as the drops.
        lock (_dropGate)
        {
            gap = _gap;
            _gap = 0;
            entry = default;
            return gap > 0 || _queue.TryDequeue(out entry);
        }
    }

    private void Deliver(T value)
    {
        try
        {
            _observer.OnNext(value);
        }
        catch (Exception ex)
        {
            _owner.OnSubscriberFaulted(ex);
        }

        Interlocked.Increment(ref _delivered);
        if (_traits?.MessageOf(value) is { } message)
        {
            _lastDelivered = message;
        }
    }

    /// <summary>Completion (null) or the subscription's failure, then the end of the subscription.</summary>
    private void Deliver(Exception? failure)
    {
        try
        {
            if (failure is null)
            {
                _observer.OnCompleted();
            }
            else
            {
                _observer.OnError(failure);
            }
        }
        catch (Exception ex)
        {
            _owner.OnSubscriberFaulted(ex);
        }

        SignalEnded();
    }

    private void ReportGap(long gap)
    {
        var anchor = _lastDelivered;
        var reason = new ErrorInfo(ErrorCodes.DeliveryRateExceeded, 400,
            $"{gap} items were dropped because the subscriber fell {Options.Capacity} items behind (OverflowPolicy.DropOldest).")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.DeliveryRateExceeded),
        };
        Raise(SlowConsumerState.Dropped, gap, anchor);
        if (_traits?.GapItem is { } gapItem)
        {
            Deliver(gapItem(new ChannelDiscontinuity(DiscontinuityKind.SlowConsumer, reason, null, anchor?.Serial, anchor?.Id)));
        }
    }

    /// <summary>
    /// Slow (1) or recovered (0): decided and published under one lock, so the producer's Slow and the drainer's
    /// Recovered reach subscribers in the order they happened.
    /// </summary>
    private void Transition(int to)
    {
        using (DeliveryGuard.Enter())
        {
            lock (_dropGate)
            {
                var depth = Volatile.Read(ref _depth);
                var holds = to == 1 ? depth >= Options.SlowConsumerThreshold : depth <= Options.SlowConsumerThreshold / 2;
                if (holds && Interlocked.CompareExchange(ref _slow, to, 1 - to) == 1 - to)
                {
                    Raise(to == 1 ? SlowConsumerState.Slow : SlowConsumerState.Recovered, 0);
                }
            }
        }
    }

    private void Raise(SlowConsumerState state, long dropped, Message? anchor = null)
    {
        if (state is SlowConsumerState.Slow or SlowConsumerState.Recovered)
        {
            ReliablyRxDiagnostics.SlowConsumers.Add(1, new KeyValuePair<string, object?>("state", state == SlowConsumerState.Slow ? "slow" : "recovered"));
        }

        Volatile.Read(ref _events)?.Publish(new SlowConsumerEvent(state, Lag, dropped == 0 ? Dropped : dropped, anchor?.Id, anchor?.Serial));
    }

    private AblyException Failure(int capacity)
    {
        var error = new ErrorInfo(ErrorCodes.DeliveryRateExceeded, 400,
            $"The subscriber fell {capacity} items behind, its capacity, so the subscription was ended (OverflowPolicy.Fail); nothing was skipped.")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.DeliveryRateExceeded),
        };
        return new AblyException(error);
    }

    private void SignalEnded()
    {
        if (Interlocked.Exchange(ref _ending, 1) == 0)
        {
            _ended.OnNext(Unit.Default);
            _ended.OnCompleted();
            Volatile.Read(ref _events)?.Complete();
        }
    }

    private enum EntryKind : byte
    {
        Item,
        Completed,
    }

    private readonly record struct Entry(T Value, long Ticks, EntryKind Kind);
}
