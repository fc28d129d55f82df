using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Reliably.Rx.Testing.Tests.Acceptance;

/// <summary>
/// An application component, as a user of the library would write it: an online/offline indicator derived from
/// <see cref="Connection.StateChanges"/>. It shows "online" as soon as the connection is CONNECTED, and "offline" only once
/// the connection has been away for a grace period, so that a resume after a dropped socket does not make it flicker.
/// Its only clock is the scheduler it is given.
/// </summary>
public sealed class ConnectionIndicator
{
    public ConnectionIndicator(Connection connection, IScheduler scheduler, TimeSpan grace)
    {
        Online = connection.StateChanges
            .Select(change => change.Current == ConnectionState.Connected)
            .DistinctUntilChanged()
            .Select(connected => connected
                ? Observable.Return(true)
                : Observable.Return(false).Delay(grace, scheduler))
            .Switch()
            .DistinctUntilChanged();
    }

    /// <summary>True while online, false once offline for the grace period; starts once the first state is known.</summary>
    public IObservable<bool> Online { get; }
}
