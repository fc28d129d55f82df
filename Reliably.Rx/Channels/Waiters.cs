namespace Reliably.Rx.Channels;

/// <summary>The callers waiting for one outcome (an attach or a detach), completed or failed together. Loop-only.</summary>
internal sealed class Waiters
{
    private readonly List<TaskCompletionSource<bool>> _waiting = new();

    /// <summary>Adds a waiter; null (an operation nobody awaits) adds nothing.</summary>
    public void Add(TaskCompletionSource<bool>? waiter)
    {
        if (waiter is not null)
        {
            _waiting.Add(waiter);
        }
    }

    /// <summary>Completes every waiter. A waiter's continuation may add a new one, which waits for the next outcome.</summary>
    public void Complete()
    {
        foreach (var waiter in Take())
        {
            waiter.TrySetResult(true);
        }
    }

    /// <summary>Fails every waiter with <paramref name="error"/>.</summary>
    public void Fail(ErrorInfo error)
    {
        foreach (var waiter in Take())
        {
            waiter.TrySetException(new AblyException(error));
        }
    }

    private TaskCompletionSource<bool>[] Take()
    {
        var all = _waiting.ToArray();
        _waiting.Clear();
        return all;
    }
}
