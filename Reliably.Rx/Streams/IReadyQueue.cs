namespace Reliably.Rx.Streams;

/// <summary>A subscriber's queue as <see cref="DeliveryDispatcher"/> sees it: one batch of its drain per turn.</summary>
internal interface IReadyQueue
{
    /// <summary>
    /// Delivers up to one batch, holding the queue's drain claim: true when the queue still has work and kept the
    /// claim (it wants another turn), false when it released the claim or handed it on (a history read, the end).
    /// </summary>
    /// <param name="carried">The value of the queue's first entry when it travelled with the queue (the entry holds only its time), or null.</param>
    bool DrainBatch(object? carried);
}
