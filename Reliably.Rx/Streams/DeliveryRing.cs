namespace Reliably.Rx.Streams;

/// <summary>
/// One subscriber's FIFO of entries, for one producer at a time and one consumer at a time: the broadcast serializes its
/// producers, and the drain's claim (or, for DropOldest, the gap lock) serializes consumers. Unbounded: a ring that is
/// reused while the consumer keeps up, and replaced by one twice its size (up to <see cref="LargestSize"/>) when full.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/>: it lets any thread enqueue and dequeue,
/// so each side reserves its position with an interlocked compare-exchange and hands each slot over with a sequence
/// number, per item. Here each side owns its position and writes it with a plain release store, on a cache line of its
/// own (<see cref="ProducerPosition"/>, <see cref="ConsumerPosition"/>); each side reads the other's position only when
/// its own copy says the ring is full (the producer) or empty (the consumer).</para>
/// <para>A slot is written by the producer before it publishes the new count (release), and read by the consumer after
/// it reads that count (acquire). The consumer clears a slot's value (not its time) before it publishes its own count,
/// and the producer reuses a slot only after reading that count, so a slot is never written while it is read.</para>
/// </remarks>
internal sealed class DeliveryRing<T>
{
    /// <summary>Slots of a new subscription's ring: small, as most subscriptions keep up.</summary>
    public const int FirstSize = 16;

    /// <summary>Slots of the largest ring (16 MB of entries); a queue that outgrows it chains rings of this size.</summary>
    public const int LargestSize = 1 << 20;

    private ProducerPosition _producer;
    private ConsumerPosition _consumer;

    // The producer's ring and the consumer's: the same one unless the producer has moved on to a larger one.
    private Segment _tail;
    private Segment _head;

    public DeliveryRing()
    {
        _head = _tail = new Segment(FirstSize, start: 0);
    }

    /// <summary>Items queued so far (any thread).</summary>
    public long Enqueued => Volatile.Read(ref _producer.Enqueued);

    /// <summary>Items taken off the ring so far (any thread).</summary>
    public long Taken => Volatile.Read(ref _consumer.Taken);

    /// <summary>
    /// Items queued and not yet taken (any thread). Taken is read first: both counts only grow and Taken never passes
    /// Enqueued, so the difference read this way is never negative.
    /// </summary>
    public long Depth
    {
        get
        {
            var taken = Volatile.Read(ref _consumer.Taken);
            return Volatile.Read(ref _producer.Enqueued) - taken;
        }
    }

    /// <summary>
    /// Producer: at least the depth, from the producer's own copy of the consumer's count (which never runs ahead of it),
    /// so it costs no read of the consumer's line.
    /// </summary>
    public long DepthBound => _producer.Enqueued - _producer.SeenTaken;

    /// <summary>Producer: the depth now, refreshing the producer's copy of the consumer's count.</summary>
    public long RefreshDepth()
    {
        _producer.SeenTaken = Volatile.Read(ref _consumer.Taken);
        return _producer.Enqueued - _producer.SeenTaken;
    }

    /// <summary>Producer: appends an entry.</summary>
    public void Enqueue(in DeliveryEntry<T> entry)
    {
        var position = _producer.Enqueued;
        var tail = _tail;
        if (!tail.HasRoom(position, _producer.SeenTaken))
        {
            _producer.SeenTaken = Volatile.Read(ref _consumer.Taken);
            if (!tail.HasRoom(position, _producer.SeenTaken))
            {
                // The end of this ring is published before the link, and both before the count that makes the new
                // ring's first item visible: a consumer that sees that item sees where the old ring ends.
                var next = new Segment(Math.Min(tail.Slots.Length * 2, LargestSize), position);
                Volatile.Write(ref tail.End, position);
                Volatile.Write(ref tail.Next, next);
                _tail = tail = next;
            }
        }

        tail.Slots[position & tail.Mask] = entry;
        Volatile.Write(ref _producer.Enqueued, position + 1);
    }

    /// <summary>Consumer: true when the producer's count equals the consumer's (after a full fence, for the drain's last look).</summary>
    public bool IsEmpty => Volatile.Read(ref _producer.Enqueued) == Volatile.Read(ref _consumer.Taken);

    /// <summary>Consumer: the oldest entry, left in place.</summary>
    public bool TryPeek(out DeliveryEntry<T> entry)
    {
        if (!HasItem(_consumer.Taken))
        {
            entry = default;
            return false;
        }

        var head = HeadFor(_consumer.Taken);
        entry = head.Slots[_consumer.Taken & head.Mask];
        return true;
    }

    /// <summary>Consumer: takes the oldest entry.</summary>
    public bool TryDequeue(out DeliveryEntry<T> entry)
    {
        var position = _consumer.Taken;
        if (!HasItem(position))
        {
            entry = default;
            return false;
        }

        var head = HeadFor(position);
        ref var slot = ref head.Slots[position & head.Mask];
        entry = slot;

        // The value is released for the collector; the time stays, for a concurrent reader of the oldest item's age.
        slot = new DeliveryEntry<T>(default!, entry.Ticks);
        Volatile.Write(ref _consumer.Taken, position + 1);
        return true;
    }

    /// <summary>Consumer: the queued values, oldest first, the completion left out (the producer may append meanwhile).</summary>
    public IEnumerable<T> Values()
    {
        var end = Volatile.Read(ref _producer.Enqueued);
        var segment = _head;
        for (var position = _consumer.Taken; position < end; position++)
        {
            if (position >= Volatile.Read(ref segment.End))
            {
                segment = Volatile.Read(ref segment.Next)!;
            }

            var entry = segment.Slots[position & segment.Mask];
            if (!entry.IsCompletion)
            {
                yield return entry.Value;
            }
        }
    }

    /// <summary>
    /// The time of the oldest queued entry (any thread), or false when none is queued. The consumer's count is read
    /// again after the slot: unchanged, the slot was not taken in between (a slot is reused only after it is taken).
    /// </summary>
    public bool TryPeekOldestTicks(out long ticks)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var position = Volatile.Read(ref _consumer.Taken);
            if (Volatile.Read(ref _producer.Enqueued) <= position)
            {
                break;
            }

            // The consumer moves to the next ring when it takes that ring's first item, so its ring is at most one behind.
            var segment = Volatile.Read(ref _head);
            if (position >= Volatile.Read(ref segment.End))
            {
                segment = Volatile.Read(ref segment.Next)!;
            }

            ticks = segment.Slots[position & segment.Mask].Ticks;
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _consumer.Taken) == position)
            {
                return true;
            }
        }

        ticks = 0;
        return false;
    }

    /// <summary>Consumer: whether an entry is queued at <paramref name="position"/>, reading the producer's count only when its copy says none.</summary>
    private bool HasItem(long position)
    {
        if (position < _consumer.SeenEnqueued)
        {
            return true;
        }

        _consumer.SeenEnqueued = Volatile.Read(ref _producer.Enqueued);
        return position < _consumer.SeenEnqueued;
    }

    /// <summary>Consumer: the ring holding <paramref name="position"/>, moving on to the next one at the end of the current one.</summary>
    private Segment HeadFor(long position)
    {
        var head = _head;
        if (position >= Volatile.Read(ref head.End))
        {
            head = Volatile.Read(ref head.Next)!;
            Volatile.Write(ref _head, head);
        }

        return head;
    }

    /// <summary>One ring: a power-of-two array of slots, indexed by position.</summary>
    private sealed class Segment(int size, long start)
    {
        public readonly DeliveryEntry<T>[] Slots = new DeliveryEntry<T>[size];

        public readonly long Mask = size - 1;

        /// <summary>The producer's position when it moved on to <see cref="Next"/>: the first position not in this ring.</summary>
        public long End = long.MaxValue;

        public Segment? Next;

        /// <summary>
        /// Producer: whether <paramref name="position"/> may be written. Its slot last held the item
        /// <c>position - size</c>, if that was in this ring at all (at or after the ring's first position); it must have
        /// been taken (<paramref name="seenTaken"/>, the consumer's count as the producer last read it).
        /// </summary>
        public bool HasRoom(long position, long seenTaken) => position - Math.Max(seenTaken, start) < Slots.Length;
    }
}
