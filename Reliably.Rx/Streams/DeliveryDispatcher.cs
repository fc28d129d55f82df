using System.Collections.Concurrent;

namespace Reliably.Rx.Streams;

/// <summary>
/// Drains the queues of the subscriptions delivered on the thread pool: a queue with something to deliver joins a
/// ready list, and a dispatcher (a thread-pool work item) takes one batch from each ready queue in turn until the list
/// is empty. With many channels each queue has one or two items at a time; one work item then delivers many queues'
/// items instead of one work item (a pool request, a dispatch) per item.
/// </summary>
/// <remarks>
/// A subscriber may block in its handler. So that it holds up only itself, as when every queue was a work item of its
/// own, a dispatcher about to run a subscriber's code while other queues wait keeps another dispatcher queued on the
/// pool, and a queue that joins an empty list while dispatchers run does the same: whenever the list is not empty a
/// dispatcher is queued or one is between two batches. A queue is in the list at most once (its drain claim), so
/// one subscriber's notifications never overlap and keep their order.
/// </remarks>
internal sealed class DeliveryDispatcher : IThreadPoolWorkItem
{
    /// <summary>The process's dispatcher: the thread pool is the process's too.</summary>
    public static readonly DeliveryDispatcher Shared = new(static item => ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false));

    private readonly ConcurrentQueue<ReadyItem> _ready = new();
    private readonly Action<IThreadPoolWorkItem> _queue;

    // Queues in the list, counted after each enqueue and each dequeue: it may lag the list briefly, never in a way that
    // leaves a waiting queue without a dispatcher (the thread that moves it from 0 to 1, or that dequeues with others
    // left, makes sure one is queued).
    private int _count;

    // 1 while a dispatcher work item is queued and has not started.
    private int _queued;

    /// <summary>A dispatcher that queues its work items with <paramref name="queue"/> (the thread pool's, or a test's).</summary>
    public DeliveryDispatcher(Action<IThreadPoolWorkItem> queue)
    {
        _queue = queue;
    }

    /// <summary>A queue that holds its drain claim and has something to deliver joins the list.</summary>
    public void Ready(IReadyQueue queue) => Ready(queue, null);

    /// <summary>
    /// As <see cref="Ready(IReadyQueue)"/>, with the value of the queue's first entry (<paramref name="carried"/>), which
    /// travels here instead of in the queue's ring.
    /// </summary>
    public void Ready(IReadyQueue queue, object? carried)
    {
        _ready.Enqueue(new ReadyItem(queue, carried));
        if (Interlocked.Increment(ref _count) <= 1)
        {
            EnsureQueued();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        // Released before the list is read (a full fence): a queue that joins after this is covered by a new work item.
        Interlocked.Exchange(ref _queued, 0);
        while (_ready.TryDequeue(out var item))
        {
            var queue = item.Queue;
            if (Interlocked.Decrement(ref _count) > 0)
            {
                // Others wait while this thread runs a subscriber's code, which may block.
                EnsureQueued();
            }

            if (queue.DrainBatch(item.Carried))
            {
                // Behind the others that wait; this dispatcher takes them in turn, so no new work item is needed.
                _ready.Enqueue(new ReadyItem(queue, null));
                Interlocked.Increment(ref _count);
            }
        }
    }

    private void EnsureQueued()
    {
        if (Volatile.Read(ref _queued) == 0 && Interlocked.Exchange(ref _queued, 1) == 0)
        {
            _queue(this);
        }
    }

    /// <summary>A queue in the list, with the value of its first entry when that travels with it.</summary>
    private readonly record struct ReadyItem(IReadyQueue Queue, object? Carried);
}
