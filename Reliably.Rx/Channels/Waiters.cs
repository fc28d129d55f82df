namespace Reliably.Rx.Channels;

/// <summary>The callers waiting for one outcome (an attach or a detach), completed or failed together. Loop-only.</summary>
internal sealed class Waiters
{
    // Null while nobody waits, which is nearly always (an attached channel's attach waiters were completed long ago).
    private List<TaskCompletionSource<bool>>? _waiting;

    /// <summary>True while a waiter is pending; for tests.</summary>
    internal bool HasWaiters => _waiting is { Count: > 0 };

    /// <summary>Adds a waiter; null (an operation nobody awaits) adds nothing.</summary>
    public void Add(TaskCompletionSource<bool>? waiter)
    {
        if (waiter is not null)
        {
            (_waiting ??= new List<TaskCompletionSource<bool>>(1)).Add(waiter);
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

    private List<TaskCompletionSource<bool>> Take()
    {
        // The list is handed over whole: a waiter added by a continuation goes into a new list, for the next outcome.
        var all = _waiting ?? Empty;
        _waiting = null;
        return all;
    }

    private static readonly List<TaskCompletionSource<bool>> Empty = new(0);
}
