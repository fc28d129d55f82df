namespace Reliably.Rx.Streams;

/// <summary>What a subscriber's queue must do beyond the plain FIFO, fixed when it is created.</summary>
[Flags]
internal enum QueueTraits : byte
{
    None = 0,

    /// <summary>Bounded with DropOldest: only such a subscription has gaps, and only gaps need the last delivered message.</summary>
    TracksAnchor = 1,

    /// <summary>Not the thread pool, which never runs a drain inline (on the loop or under a library lock).</summary>
    MayRunInline = 2,

    /// <summary>The subscriber pulls (<see cref="DeliveryQueue{T}.Request"/>): delivery waits for its credit.</summary>
    Pull = 4,

    /// <summary>The delivery scheduler is the thread pool: the queue joins the shared dispatcher's ready list (<see cref="DeliveryDispatcher"/>).</summary>
    PoolDrain = 8,

    /// <summary>
    /// Drained by the dispatcher, unbounded, pushed, of a reference type: an item given to the queue while it is idle
    /// travels to the dispatcher with the queue instead of in the queue's ring (<see cref="DeliveryQueue{T}.Enqueue"/>).
    /// </summary>
    Carries = 16,
}
