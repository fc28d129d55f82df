using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Subjects;
using Reliably.Rx.Channels;

namespace Reliably.Rx.Streams;

/// <summary>
/// One subscriber's FIFO: the producer (the connection loop) enqueues and never waits; a single drainer at a time
/// delivers on the delivery scheduler, never on the loop or under a library lock. Tracks the lag (count and the age of
/// the oldest item), raises edge-triggered slow-consumer events, and applies the subscription's capacity.
/// </summary>
internal sealed partial class DeliveryQueue<T> : IDeliveryQueue
{
    // Items drained per scheduled work item, so one busy stream cannot monopolise a pool thread.
    private const int BatchSize = 256;

    private readonly LosslessBroadcast<T> _owner;
    private readonly IObserver<T> _observer;
    private readonly Func<T, bool>? _filter;
    private readonly int _kinds;
    private readonly SubscriptionGaps<T> _gaps;
    private readonly ConcurrentQueue<DeliveryEntry<T>> _queue = new();
    private readonly AsyncSubject<Unit> _ended = new();
    private readonly SlowConsumerSignal _signal;

    private readonly QueueTraits _traits;
    private Exception? _failure;
    private long _gap;
    private long _dropped;
    private int _draining;
    private int _credit;
    private int _ending;
    private volatile bool _cancelled;

    // The depth is Enqueued - Taken: two counters with one writer each, on separate cache lines, instead of one counter
    // both sides increment and decrement with interlocked instructions for every item.
    private ProducerPosition _producer;
    private ConsumerPosition _consumer;

    public DeliveryQueue(LosslessBroadcast<T> owner, IObserver<T> observer, DeliveryOptions options, Func<T, bool>? filter, DeliveryTraits<T>? traits, int kinds = LosslessBroadcast<T>.AllKinds)
    {
        _owner = owner;
        _observer = observer;
        Options = options;
        _filter = filter;
        _kinds = kinds;
        _gaps = new SubscriptionGaps<T>(traits);
        _signal = new SlowConsumerSignal(owner.Host.DeliveryScheduler, options.SlowConsumerThreshold, () => (int)Math.Min(Depth, int.MaxValue), () => Lag, () => Dropped);
        _traits = (options.Capacity is not null && options.Overflow == OverflowPolicy.DropOldest ? QueueTraits.TracksAnchor : QueueTraits.None)
            | (owner.Host.DeliveryScheduler is DefaultScheduler or ThreadPoolScheduler or TaskPoolScheduler ? QueueTraits.None : QueueTraits.MayRunInline)
            | (owner.Host.DeliveryScheduler is DefaultScheduler or ThreadPoolScheduler ? QueueTraits.PoolDrain : QueueTraits.None)
            | (options.Pull ? QueueTraits.Pull : QueueTraits.None);
    }

    public DeliveryOptions Options { get; }

    public IScheduler Clock => _owner.Host.Clock;

    public IObservable<Unit> Ended => _ended;

    public long Delivered => Volatile.Read(ref _consumer.Delivered);

    public long Dropped => Interlocked.Read(ref _dropped);

    public SubscriptionLag Lag
    {
        get
        {
            var queued = _cancelled ? 0 : (int)Math.Min(Depth, int.MaxValue);
            if (queued == 0 || !_queue.TryPeek(out var oldest) || oldest.IsCompletion)
            {
                return new SubscriptionLag(queued, TimeSpan.Zero);
            }

            var age = TimeSpan.FromTicks(Math.Max(0, Clock.Now.UtcTicks - oldest.Ticks));
            return new SubscriptionLag(queued, age);
        }
    }

    public IObservable<SlowConsumerEvent> SlowConsumer => _signal.Events;

    /// <summary>
    /// Items queued and not yet taken. Taken is read first: both only grow and Taken never passes Enqueued, so the
    /// difference read this way is never negative.
    /// </summary>
    private long Depth
    {
        get
        {
            var taken = Volatile.Read(ref _consumer.Taken);
            return Volatile.Read(ref _producer.Enqueued) - taken;
        }
    }

    public void Cancel()
    {
        if (_cancelled)
        {
            return;
        }

        _cancelled = true;
        _queue.Clear();
        _owner.Remove(this);
        SignalEnded();
    }

    /// <summary>
    /// A pulling subscriber asks for items: the drain delivers while it has credit, and the rest stay in this queue,
    /// where the capacity and its overflow policy apply. Sets the credit to at least <paramref name="atLeast"/>.
    /// </summary>
    public void Request(int atLeast)
    {
        // Credit first, then the claim (both full fences); the drainer releases its claim, then reads the credit.
        Atomic.RaiseTo(ref _credit, atLeast);
        ScheduleDrain();
    }

    private void Drain()
    {
        if ((_traits & QueueTraits.MayRunInline) != 0 && _owner.Host.MustNotRunUserCode)
        {
            // A scheduler that ran the drain inline, on the loop or inside a library lock: user code must not run here.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }

        var delivered = 0;
        if (_gaps.TakeFinished() is { } repaired)
        {
            delivered += DeliverRepaired(repaired);
        }

        while (delivered < BatchSize && !_cancelled)
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                Cancel();
                Deliver(failure);
                return;
            }

            if (!HasCredit)
            {
                break;
            }

            if (!TryTake(out var entry, out var gap))
            {
                break;
            }

            delivered++;
            if (gap > 0)
            {
                if (ReportGap(gap) is { } repair)
                {
                    // The drain stays claimed while history is read: it resumes with the repair's messages.
                    AwaitRepair(repair);
                    return;
                }

                continue;
            }

            if (entry.IsCompletion)
            {
                _cancelled = true;
                _owner.Remove(this);
                Deliver(null);
                return;
            }

            if (_signal.IsSlow)
            {
                _signal.Shrank((int)Math.Min(Depth, int.MaxValue));
            }

            if (!_gaps.IsRepeat(entry.Value))
            {
                Deliver(entry.Value);
            }
        }

        if (_signal.DepthToSample(delivered == BatchSize, (int)Math.Min(Depth, int.MaxValue)) is { } sampled)
        {
            _owner.OnDepthSample(sampled);
        }

        // Release the drain flag, then re-check: an item enqueued between the last take and the release would
        // otherwise wait for the next Publish. A full fence (the producer's CAS is its own): with a release write alone
        // the emptiness check could be read before the release is visible, and the producer, still seeing the flag
        // set, would not schedule a drain either.
        Interlocked.Exchange(ref _draining, 0);
        if (!_cancelled && ((!_queue.IsEmpty && HasCredit) || Volatile.Read(ref _failure) is not null))
        {
            ScheduleDrain();
        }
    }

    private bool HasCredit => (_traits & QueueTraits.Pull) == 0 || Volatile.Read(ref _credit) > 0;

    private bool TryTake(out DeliveryEntry<T> entry, out long gap)
    {
        if (Options.Overflow != OverflowPolicy.DropOldest || Options.Capacity is null)
        {
            gap = 0;
            return Took(_queue.TryDequeue(out entry));
        }

        // Dropping happens at the head: the gap is reported before the next item, under the same lock as the drops
        // (which also count themselves taken).
        lock (_gaps)
        {
            gap = _gap;
            _gap = 0;
            entry = default;
            return gap > 0 || Took(_queue.TryDequeue(out entry));
        }
    }

    /// <summary>Counts an item taken off the queue (the drainer, or under the gap lock).</summary>
    private bool Took(bool took)
    {
        if (took)
        {
            Volatile.Write(ref _consumer.Taken, _consumer.Taken + 1);
        }

        return took;
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

        // Single writer (the drainer); readers take a volatile read.
        Volatile.Write(ref _consumer.Delivered, _consumer.Delivered + 1);
        if ((_traits & QueueTraits.Pull) != 0)
        {
            Interlocked.Decrement(ref _credit);
        }

        if ((_traits & QueueTraits.TracksAnchor) != 0)
        {
            _gaps.Delivered(value);
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

    /// <summary>
    /// Reports a gap in its place (in the stream when it can carry one, and as a slow-consumer event), and starts its
    /// repair from history when the channel repairs gaps: returns the repair, or null.
    /// </summary>
    private Task<BackfillResult>? ReportGap(long gap)
    {
        var anchor = _gaps.Anchor;
        var queued = _queue.Where(e => !e.IsCompletion).Select(e => e.Value);
        var repair = _gaps.StartRepair(queued);
        _signal.Raise(SlowConsumerState.Dropped, gap, anchor);
        if (_gaps.GapItem(gap, Options.Capacity, repair is not null) is { } item)
        {
            Deliver(item);
        }

        return repair;
    }

    /// <summary>Holds the drain while history is read; the next drain starts with the repair's messages.</summary>
    private void AwaitRepair(Task<BackfillResult> repair) =>
        repair.ContinueWith(
            static (fetch, state) =>
            {
                var queue = (DeliveryQueue<T>)state!;
                queue._gaps.Finished(fetch);
                Volatile.Write(ref queue._draining, 0);
                queue.ScheduleDrain();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private int DeliverRepaired(BackfillResult result)
    {
        var count = 0;
        foreach (var item in _gaps.Repaired(result, _filter))
        {
            if (_cancelled)
            {
                break;
            }

            Deliver(item);
            count++;
        }

        return count;
    }

    private void SignalEnded()
    {
        if (Interlocked.Exchange(ref _ending, 1) == 0)
        {
            _ended.OnNext(Unit.Default);
            _ended.OnCompleted();
            _signal.Complete();
        }
    }
}
