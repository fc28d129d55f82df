using System.Runtime.InteropServices;

namespace Reliably.Rx.Streams;

/// <summary>
/// What the producer of a subscriber's queue (<see cref="DeliveryRing{T}"/>; the connection loop) writes for every
/// item, on cache lines of its own: the count of items it has queued, and its last reading of the consumer's count.
/// Written by one producer at a time (the broadcast serializes them), so no interlocked instruction is needed, and the
/// line does not travel to the drainer's core with every item.
/// </summary>
/// <remarks>Padded on both sides (the layout of the class that holds it is the runtime's), as ConcurrentQueue pads its head and tail.</remarks>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
internal struct ProducerPosition
{
    public const int CacheLine = 64;

    /// <summary>Items queued so far (the completion included); read by anyone with a volatile read.</summary>
    [FieldOffset(CacheLine)]
    public long Enqueued;

    /// <summary>
    /// The drainer's <see cref="ConsumerPosition.Taken"/> as the producer last read it: it never runs ahead of the real
    /// count, so <c>Enqueued - SeenTaken</c> is at least the depth, and the real count is read only when that bound
    /// reaches a threshold or the capacity.
    /// </summary>
    [FieldOffset(CacheLine + 8)]
    public long SeenTaken;
}

/// <summary>
/// What the consumer of a subscriber's queue (its drain) writes for every item, on cache lines of its own: how many
/// items it has taken off the queue. One writer at a time (the drain, or under the gap lock the producer's DropOldest),
/// read by anyone with a volatile read.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * ProducerPosition.CacheLine)]
internal struct ConsumerPosition
{
    /// <summary>Items taken off the queue so far: delivered, or dropped by DropOldest.</summary>
    [FieldOffset(ProducerPosition.CacheLine)]
    public long Taken;

    /// <summary>
    /// The producer's <see cref="ProducerPosition.Enqueued"/> as the consumer last read it: items up to it can be taken
    /// without reading the producer's line again.
    /// </summary>
    [FieldOffset(ProducerPosition.CacheLine + 8)]
    public long SeenEnqueued;
}

/// <summary>A count with one writer that writes it for every item, on cache lines of its own (see <see cref="ProducerPosition"/>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * ProducerPosition.CacheLine)]
internal struct PaddedCount
{
    [FieldOffset(ProducerPosition.CacheLine)]
    public long Value;
}
