using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reliably.Rx.Streams;

/// <summary>Scheduling of the single drain.</summary>
internal sealed partial class DeliveryQueue<T> : IThreadPoolWorkItem, IReadyQueue
{
    /// <summary>The drain as a thread-pool work item: the move off a scheduler that would run it inline.</summary>
    void IThreadPoolWorkItem.Execute() => Drain();

    bool IReadyQueue.DrainBatch(object? carried) => carried is null ? DrainBatch() : DrainBatch((T)carried, hasCarried: true);

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
        {
            return;
        }

        Dispatch();
    }

    /// <summary>Has the claimed drain run: by the pool's dispatcher, or on the delivery scheduler.</summary>
    private void Dispatch()
    {
        if ((_traits & QueueTraits.PoolDrain) != 0)
        {
            // With many channels on a connection each subscriber gets few messages at a time: the shared dispatcher
            // delivers many queues' batches per pool work item.
            _owner.Host.Dispatcher.Ready(this);
            return;
        }

        _owner.Host.DeliveryScheduler.Schedule(this, static (_, s) =>
        {
            s.Drain();
            return Disposable.Empty;
        });
    }

    /// <summary>A drain scheduled on the delivery scheduler (or moved to the pool): one batch, then the next if there is more.</summary>
    private void Drain()
    {
        if ((_traits & QueueTraits.MayRunInline) != 0 && _owner.Host.MustNotRunUserCode)
        {
            // A scheduler that ran the drain inline, on the loop or inside a library lock: user code must not run here.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }

        if (DrainBatch())
        {
            Dispatch();
        }
    }
}
