namespace Reliably.Rx.Streams;

/// <summary>
/// The producer's side: the connection loop (or, for a completion, whoever completes the stream) queues items here,
/// serialized by the broadcast, without blocking and without running user code.
/// </summary>
internal sealed partial class DeliveryQueue<T>
{
    /// <summary>
    /// Queues an item without waking the drain (producer side; never blocks, never runs user code): true when the drain
    /// has something new to do (the item, or the failure of a full subscription), and then the caller issues a full fence
    /// and calls <see cref="Wake"/> outside its lock.
    /// </summary>
    public bool Enqueue(T value, long ticks, int kind = LosslessBroadcast<T>.AllKinds)
    {
        if (_cancelled || (kind & _kinds) == 0 || (_filter is not null && !_filter(value)))
        {
            return false;
        }

        if (Options.Capacity is { } capacity && IsFull(capacity))
        {
            return MakeRoom(capacity) ? Add(new DeliveryEntry<T>(value, ticks)) : FailedNow();
        }

        if ((_traits & QueueTraits.Carries) != 0 && value is not null && TryClaimIdle())
        {
            // The queue is idle: the item travels to the dispatcher with the queue, and the ring's entry keeps only its
            // time (for the depth, the lag and the order). A young reference written into a long-lived ring marks the
            // ring's card for the next collection to scan; with thousands of channels each message marked another
            // ring's card, and every gen-0 collection scanned thousands of them. The dispatcher's list is one shared
            // structure written in sequence, so its marked cards do not grow with the subscriptions.
            Add(new DeliveryEntry<T>(default!, ticks));
            _owner.Host.Dispatcher.Ready(this, value);
            return false;
        }

        return Add(new DeliveryEntry<T>(value, ticks));
    }

    /// <summary>
    /// Producer: claims the drain of an idle queue (nothing queued, no drain claimed). Only the producer adds to the
    /// ring, so a ring seen empty stays empty until the claim is taken; a claim this loses goes to a drainer that
    /// sees the item the caller then queues, as after any <see cref="Enqueue"/>.
    /// </summary>
    private bool TryClaimIdle() =>
        Volatile.Read(ref _draining) == 0
        && (_ring.DepthBound == 0 || _ring.RefreshDepth() == 0)
        && Interlocked.CompareExchange(ref _draining, 1, 0) == 0;

    /// <summary>
    /// Schedules the drain unless one holds the claim, after an item was queued and a full fence. The drainer releases
    /// its claim with a full fence and then looks at the queue, so either it sees the item or this sees the claim
    /// released; the claim is read plainly first, so that an active drain costs the producer no write to its line.
    /// </summary>
    public void Wake()
    {
        if (Volatile.Read(ref _draining) == 0 && (HasCredit || Volatile.Read(ref _failure) is not null))
        {
            ScheduleDrain();
        }
    }

    /// <summary>Queues completion after everything already queued, whatever the capacity; the caller wakes the drain as after <see cref="Enqueue"/>.</summary>
    public bool EnqueueCompletion() => Add(DeliveryEntry<T>.Completion);

    /// <summary>
    /// Queues the first item (a stream's current value), ahead of anything published later, or the completion of a
    /// subscription to a completed stream: before the queue is given to the producer, so this thread is its producer.
    /// </summary>
    public void EnqueueBeforeProducer(DeliveryEntry<T> entry)
    {
        Add(entry);
        Interlocked.MemoryBarrier();
        Wake();
    }

    /// <summary>Producer only (producers are serialized by the broadcast).</summary>
    private bool Add(DeliveryEntry<T> entry)
    {
        if (_cancelled)
        {
            return false;
        }

        _ring.Enqueue(entry);
        if (_ring.DepthBound >= _slowThreshold)
        {
            // The bound reached the threshold: read the drainer's real count (only now, so its line stays where it is).
            _signal.Grew((int)Math.Min(_ring.RefreshDepth(), int.MaxValue));
        }

        return true;
    }

    /// <summary>Producer only: true when <paramref name="capacity"/> items are queued, reading the drainer's count only near the bound.</summary>
    private bool IsFull(int capacity) => _ring.DepthBound >= capacity && _ring.RefreshDepth() >= capacity;

    /// <summary>
    /// A full subscription under <see cref="OverflowPolicy.Fail"/>: true the first time (the drain must deliver the
    /// failure), false after.
    /// </summary>
    private bool FailedNow()
    {
        if (Options.Overflow != OverflowPolicy.Fail || Interlocked.CompareExchange(ref _failure, Options.OverflowFailure(), null) is not null)
        {
            return false;
        }

        // Raised under the broadcast's producer lock: the guard keeps an inline scheduler from delivering it here.
        using (DeliveryGuard.Enter())
        {
            _signal.Raise(SlowConsumerState.Failed);
        }

        return true;
    }

    /// <summary>A full bounded queue: drop the oldest (DropOldest); false when the new item may not be queued (Fail, or the end of the stream is next).</summary>
    private bool MakeRoom(int capacity)
    {
        if (Options.Overflow == OverflowPolicy.Fail)
        {
            return false;
        }

        // The gap bookkeeping object is also the lock over drops and the gap count (TryTake takes it too).
        lock (_gaps)
        {
            while (_ring.Depth >= capacity && _ring.TryPeek(out var oldest))
            {
                if (oldest.IsCompletion)
                {
                    // Never dropped: keep the stream's end by refusing the item.
                    return false;
                }

                _ring.TryDequeue(out _);
                _gap++;
                Interlocked.Increment(ref _dropped);
            }
        }

        ReliablyRxDiagnostics.SubscriberDropped.Add(1);
        return true;
    }
}
