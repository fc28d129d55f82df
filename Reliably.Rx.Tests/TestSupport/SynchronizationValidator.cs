using System.Reactive.Linq;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// Checks Rx's grammar on a stream: no two notifications ever overlap, and nothing follows a terminal notification.
/// Violations are counted rather than thrown so they can be asserted after the run.
/// </summary>
public sealed class SynchronizationValidator
{
    private int _inFlight;
    private int _overlaps;
    private int _afterTerminal;
    private int _terminated;

    public int Overlaps => Volatile.Read(ref _overlaps);

    public int NotificationsAfterTerminal => Volatile.Read(ref _afterTerminal);

    public IObservable<T> Wrap<T>(IObservable<T> source) => Observable.Create<T>(observer => source.Subscribe(
        value => Guard(() => observer.OnNext(value), terminal: false),
        error => Guard(() => observer.OnError(error), terminal: true),
        () => Guard(observer.OnCompleted, terminal: true)));

    /// <summary>The same checks on an observer, for subscriptions that take one directly (with delivery options).</summary>
    public IObserver<T> Wrap<T>(IObserver<T> observer) => System.Reactive.Observer.Create<T>(
        value => Guard(() => observer.OnNext(value), terminal: false),
        error => Guard(() => observer.OnError(error), terminal: true),
        () => Guard(observer.OnCompleted, terminal: true));

    private void Guard(Action action, bool terminal)
    {
        if (Volatile.Read(ref _terminated) == 1)
        {
            Interlocked.Increment(ref _afterTerminal);
        }

        if (Interlocked.Increment(ref _inFlight) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            action();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            if (terminal)
            {
                Volatile.Write(ref _terminated, 1);
            }
        }
    }
}
