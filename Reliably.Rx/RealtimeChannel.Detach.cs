using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>Detach (RTL5); the state machine is <see cref="ChannelAttachment"/>.</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>
    /// Detaches the channel (RTL5) and completes on DETACHED. Completes at once when detached or never attached
    /// (RTL5a); a SUSPENDED channel goes DETACHED at once (RTL5j); a pending attach completes first (RTL5i). Detaching
    /// ends continuity tracking: the next attach is a fresh start, not a discontinuity.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the detach itself goes on.</param>
    /// <exception cref="AblyException">
    /// 90007 when no DETACHED arrives within realtimeRequestTimeout (the channel returns to its previous state, RTL5f);
    /// 90001 on a FAILED channel (RTL5b) or after release. When the connection is not CONNECTED the channel goes DETACHED at
    /// once (RTL5l).
    /// </exception>
    public Task DetachAsync(CancellationToken cancellationToken = default)
    {
        if (Unusable() is { } refusal)
        {
            return Task.FromException(refusal);
        }

        var waiter = NewWaiter();
        if (!_loop.Execute(() => _attachment.BeginDetach(waiter)))
        {
            waiter.TrySetException(new AblyException(DisposedError()));
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Detaches as <see cref="DetachAsync"/> does and, whatever the outcome, runs <paramref name="then"/> on the loop in
    /// the turn that settles the detach, so that a release (RTS4a) ends at a definite point of the client's scheduler
    /// (in virtual time too). False when the channel is unusable or the loop has stopped: the caller finishes at once.
    /// </summary>
    internal bool DetachThen(Action then)
    {
        if (Unusable() is not null)
        {
            return false;
        }

        // Not RunContinuationsAsynchronously: the continuation runs where the waiter is settled, which is the loop.
        var waiter = new TaskCompletionSource<bool>();
        waiter.Task.ContinueWith(static (_, state) => ((Action)state!)(), then, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return _loop.Execute(() => _attachment.BeginDetach(waiter));
    }
}
