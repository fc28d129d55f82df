using System.Runtime.ExceptionServices;

namespace Reliably.Rx.Streams;

/// <summary>
/// The consumer side of a pulling subscription, behind <see cref="DeliveryStreamExtensions.ReadAllAsync{T}"/>: it asks
/// its queue for items only while the reader is waiting, so whatever the reader has not reached stays in the
/// subscription's own queue, where the capacity, the overflow policy and the lag apply. It holds at most
/// <c>window</c> items itself, plus the messages of a gap repair, which are handed over together.
/// </summary>
internal sealed class DeliveryReader<T> : IObserver<T>
{
    private readonly object _gate = new();
    private readonly Queue<T> _items = new();
    private readonly int _window;
    private DeliverySubscription? _subscription;
    private TaskCompletionSource<bool>? _waiter;
    private ExceptionDispatchInfo? _failure;
    private bool _ended;

    public DeliveryReader(int window)
    {
        _window = window;
    }

    public void Attach(DeliverySubscription subscription) => _subscription = subscription;

    public void OnNext(T value)
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _items.Enqueue(value);
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(true);
    }

    public void OnError(Exception error) => End(ExceptionDispatchInfo.Capture(error));

    public void OnCompleted() => End(null);

    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            return _items.TryDequeue(out item!);
        }
    }

    /// <summary>True when an item is ready; false at the end of the stream; throws the stream's failure after its items.</summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            lock (_gate)
            {
                if (_items.Count > 0)
                {
                    return true;
                }

                if (_ended)
                {
                    _failure?.Throw();
                    return false;
                }

                waiter = _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _subscription?.Request(_window);
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void End(ExceptionDispatchInfo? failure)
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _failure = failure;
            _ended = true;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(false);
    }
}
