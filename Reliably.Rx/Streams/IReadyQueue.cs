namespace Reliably.Rx.Streams;

/// <summary>A subscriber's queue as <see cref="DeliveryDispatcher"/> sees it: one batch of its drain per turn.</summary>
internal interface IReadyQueue
{
    /// <summary>
    /// Delivers up to one batch, holding the queue's drain claim: true when the queue still has work and kept the
    /// claim (it wants another turn), false when it released the claim or handed it on (a history read, the end).
    /// </summary>
    bool DrainBatch();
}
