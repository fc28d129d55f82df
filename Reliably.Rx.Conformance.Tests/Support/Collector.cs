namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The specs' <c>received = []</c> with a listener appending to it, as an Rx observer that a test can await (the specs'
/// <c>poll_until(received.length >= n)</c>, without polling). Thread-safe: deliveries come from the client's threads.
/// </summary>
/// <typeparam name="T">The values received.</typeparam>
public sealed class Collector<T> : IObserver<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = new();

    /// <summary>What was received so far, in order.</summary>
    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return _items.ToArray();
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> values have arrived; fails, listing them, after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_items.Count >= count)
            {
                return _items.ToArray();
            }

            _waiters.Add((count, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Received {Items.Count} of {count} within {timeout}: {string.Join(", ", Items)}.");
        }

        return Items;
    }

    /// <inheritdoc />
    public void OnNext(T value)
    {
        List<TaskCompletionSource> reached;
        lock (_gate)
        {
            _items.Add(value);
            reached = _waiters.Where(w => w.Count <= _items.Count).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Count <= _items.Count);
        }

        reached.ForEach(done => done.TrySetResult());
    }

    /// <inheritdoc />
    public void OnError(Exception error)
    {
    }

    /// <inheritdoc />
    public void OnCompleted()
    {
    }
}
