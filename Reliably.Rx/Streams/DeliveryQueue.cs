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
    private readonly AsyncSubject<Unit> _ended = new();
    private readonly SlowConsumerSignal _signal;

    private readonly QueueTraits _traits;

    // The signal's threshold, kept here: the producer compares each item's depth bound with it, and at many channels the
    // signal's own line is seldom in the cache.
    private readonly int _slowThreshold;
    private Exception? _failure;
    private long _gap;
    private long _dropped;
    private int _draining;
    private int _credit;
    private int _ending;
    private volatile bool _cancelled;

    // Replaced by an empty ring when the subscription is cancelled, which releases the queued items at once, whoever
    // is draining: the ring has one consumer, so no other thread may take its items.
    private DeliveryRing<T> _ring = new();

    // Written by the drain for every delivery, away from the fields the producer reads for every item.
    private PaddedCount _delivered;

    public DeliveryQueue(LosslessBroadcast<T> owner, IObserver<T> observer, DeliveryOptions options, Func<T, bool>? filter, DeliveryTraits<T>? traits, int kinds = LosslessBroadcast<T>.AllKinds)
    {
        _owner = owner;
        _observer = observer;
        Options = options;
        _filter = filter;
        _kinds = kinds;
        _gaps = new SubscriptionGaps<T>(traits);
        _signal = new SlowConsumerSignal(owner.Host.DeliveryScheduler, options.SlowConsumerThreshold, () => DepthNow, () => Lag, () => Dropped);
        _slowThreshold = options.SlowConsumerThreshold;
        _traits = (options.Capacity is not null && options.Overflow == OverflowPolicy.DropOldest ? QueueTraits.TracksAnchor : QueueTraits.None)
            | (owner.Host.DeliveryScheduler is DefaultScheduler or ThreadPoolScheduler or TaskPoolScheduler ? QueueTraits.None : QueueTraits.MayRunInline)
            | (owner.Host.DeliveryScheduler is DefaultScheduler or ThreadPoolScheduler ? QueueTraits.PoolDrain : QueueTraits.None)
            | (options.Pull ? QueueTraits.Pull : QueueTraits.None);
        if ((_traits & QueueTraits.PoolDrain) != 0 && options.Capacity is null && !options.Pull && !typeof(T).IsValueType)
        {
            _traits |= QueueTraits.Carries;
        }
    }

    public DeliveryOptions Options { get; }

    public IScheduler Clock => _owner.Host.Clock;

    public IObservable<Unit> Ended => _ended;

    public long Delivered => Volatile.Read(ref _delivered.Value);

    public long Dropped => Interlocked.Read(ref _dropped);

    public SubscriptionLag Lag
    {
        get
        {
            var queued = _cancelled ? 0 : DepthNow;
            if (queued == 0 || !_ring.TryPeekOldestTicks(out var oldest) || oldest == DeliveryEntry<T>.CompletionTicks)
            {
                return new SubscriptionLag(queued, TimeSpan.Zero);
            }

            var age = TimeSpan.FromTicks(Math.Max(0, Clock.Now.UtcTicks - oldest));
            return new SubscriptionLag(queued, age);
        }
    }

    public IObservable<SlowConsumerEvent> SlowConsumer => _signal.Events;

    /// <summary>Items queued and not yet taken (any thread).</summary>
    private int DepthNow => (int)Math.Min(_ring.Depth, int.MaxValue);

    public void Cancel()
    {
        if (_cancelled)
        {
            return;
        }

        _cancelled = true;
        _owner.Remove(this);
        Volatile.Write(ref _ring, new DeliveryRing<T>());
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

    /// <summary>
    /// Delivers up to one batch while holding the drain claim: true when there is more and the claim is still held
    /// (the caller runs the next batch), false when the claim was released or handed on. <paramref name="carried"/> is
    /// the value of the ring's first entry when the producer claimed the drain of an idle queue for it
    /// (<see cref="Enqueue"/>): that entry holds only its time.
    /// </summary>
    private bool DrainBatch(T? carried = default, bool hasCarried = false)
    {
        var delivered = 0;

        // Only a subscription that drops the oldest has gaps, and so repairs: the others leave the gap state untouched.
        var hasGaps = (_traits & QueueTraits.TracksAnchor) != 0;
        if (hasGaps && _gaps.TakeFinished() is { } repaired)
        {
            delivered += DeliverRepaired(repaired);
        }

        while (delivered < BatchSize && !_cancelled)
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                Cancel();
                Deliver(failure);
                return false;
            }

            if (!HasCredit)
            {
                break;
            }

            if (!TryTake(out var entry, out var gap))
            {
                break;
            }

            if (hasCarried)
            {
                entry = new DeliveryEntry<T>(carried!, entry.Ticks);
                hasCarried = false;
                carried = default;
            }

            delivered++;
            if (gap > 0)
            {
                if (ReportGap(gap) is { } repair)
                {
                    // The drain stays claimed while history is read: it resumes with the repair's messages.
                    AwaitRepair(repair);
                    return false;
                }

                continue;
            }

            if (entry.IsCompletion)
            {
                _cancelled = true;
                _owner.Remove(this);
                Deliver(null);
                return false;
            }

            if (_signal.IsSlow)
            {
                _signal.Shrank(DepthNow);
            }

            if (!hasGaps || !_gaps.IsRepeat(entry.Value))
            {
                Deliver(entry.Value);
            }
        }

        if (_signal.DepthToSample(delivered == BatchSize, DepthNow) is { } sampled)
        {
            _owner.OnDepthSample(sampled);
        }

        // Release the drain flag, then re-check: an item enqueued between the last take and the release would
        // otherwise wait for the next Publish. A full fence, paired with the producer's fence between its item and its
        // read of the flag (LosslessBroadcast.Wake): with a release write alone the emptiness check could be read before
        // the release is visible, and the producer, still seeing the flag set, would not schedule a drain either.
        Interlocked.Exchange(ref _draining, 0);
        return !_cancelled && ((!_ring.IsEmpty && HasCredit) || Volatile.Read(ref _failure) is not null)
            && Interlocked.CompareExchange(ref _draining, 1, 0) == 0;
    }

    private bool HasCredit => (_traits & QueueTraits.Pull) == 0 || Volatile.Read(ref _credit) > 0;

    private bool TryTake(out DeliveryEntry<T> entry, out long gap)
    {
        if (Options.Overflow != OverflowPolicy.DropOldest || Options.Capacity is null)
        {
            gap = 0;
            return _ring.TryDequeue(out entry);
        }

        // Dropping happens at the head: the gap is reported before the next item, under the same lock as the drops
        // (which also count themselves taken).
        lock (_gaps)
        {
            gap = _gap;
            _gap = 0;
            entry = default;
            return gap > 0 || _ring.TryDequeue(out entry);
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

        // Single writer (the drainer); readers take a volatile read.
        Volatile.Write(ref _delivered.Value, _delivered.Value + 1);
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
        Message? bound;
        lock (_gaps)
        {
            // Under the lock of the drops: the producer may take from the head meanwhile.
            bound = _gaps.FirstMessage(_ring.Values());
        }

        var repair = _gaps.StartRepair(bound);
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
