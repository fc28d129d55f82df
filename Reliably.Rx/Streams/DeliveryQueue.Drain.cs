using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reliably.Rx.Streams;

/// <summary>Scheduling of the single drain.</summary>
internal sealed partial class DeliveryQueue<T> : IThreadPoolWorkItem
{
    /// <summary>The drain as a thread-pool work item (the default delivery scheduler, and the move off an inline scheduler).</summary>
    void IThreadPoolWorkItem.Execute() => Drain();

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
        {
            return;
        }

        if ((_traits & QueueTraits.PoolDrain) != 0)
        {
            // The queue is its own work item: a drain allocates nothing. With many channels on a connection, each
            // channel's subscriber gets few messages at a time, so a drain is scheduled for almost every message.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }

        _owner.Host.DeliveryScheduler.Schedule(this, static (_, s) =>
        {
            s.Drain();
            return Disposable.Empty;
        });
    }
}
