using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The wait behind <see cref="Connection.WaitForStateAsync"/> and <see cref="RealtimeChannel.WaitForStateAsync"/>: the
/// first change of a state stream that starts with the current state and enters the wanted state, a failure that ends
/// the wait early, or a timeout measured on the client's scheduler.
/// </summary>
internal static class StateWait
{
    /// <summary>Throws the 40003 error for a negative timeout, before anything is subscribed.</summary>
    public static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The timeout must not be negative.");
        }
    }

    /// <summary>
    /// Waits for the first change in <paramref name="changes"/> that <paramref name="entered"/> accepts. A change for
    /// which <paramref name="failure"/> gives an error ends the wait with it; the stream's completion ends it with
    /// <paramref name="ended"/>'s error; <paramref name="timeout"/> on <paramref name="scheduler"/> with 50003.
    /// </summary>
    public static async Task<TChange> ForAsync<TChange>(
        IObservable<TChange> changes,
        Func<TChange, bool> entered,
        Func<TChange, Exception?> failure,
        Func<Exception> ended,
        string what,
        TimeSpan timeout,
        IScheduler scheduler,
        CancellationToken cancellationToken)
    {
        var timedOut = Observable.Timer(timeout, scheduler).Select<long, TChange>(_ =>
            throw new AblyException(ErrorCodes.Timeout, 504, $"Timed out waiting for {what}."));
        var reached = changes
            .Select(change => failure(change) is { } error ? throw error : change)
            .Where(entered)
            .Concat(Observable.Defer(() => Observable.Throw<TChange>(ended())));
        return await reached.Amb(timedOut).FirstAsync().ToTask(cancellationToken).ConfigureAwait(false);
    }
}
