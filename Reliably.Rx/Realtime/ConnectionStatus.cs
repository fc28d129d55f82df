using Microsoft.Extensions.Logging;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The connection's published state (RTN4, RTN8, RTN9, RTN25): the latest state change and its stream, the error reason,
/// and an immutable snapshot for reads from any thread. Written only by the loop; read from anywhere.
/// </summary>
internal sealed class ConnectionStatus
{
    // Under this gate the latest change and the stream's publication move together, so a new subscriber gets the
    // current state first and then every later change, with no gap and no duplicate.
    private readonly object _gate = new();
    private readonly LosslessBroadcast<ConnectionStateChange> _changes;
    private ConnectionStateChange _last;
    private volatile ConnectionSnapshot _snapshot = ConnectionSnapshot.Initial;

    public ConnectionStatus(IDeliveryHost host, ILogger logger)
    {
        _last = new ConnectionStateChange(ConnectionState.Initialized, ConnectionState.Initialized, ConnectionEvent.Initialized);
        _changes = new LosslessBroadcast<ConnectionStateChange>(host);
        _changes.SubscriberFaulted += ex => RealtimeLog.SubscriberFaulted(logger, ex);
        Changes = System.Reactive.Linq.Observable.Create<ConnectionStateChange>(observer =>
        {
            using (DeliveryGuard.Enter())
            {
                lock (_gate)
                {
                    return _changes.Subscribe(observer, _last);
                }
            }
        });
    }

    /// <summary>Hot; starts with the current state for each subscriber; a lossless FIFO per subscriber.</summary>
    public IObservable<ConnectionStateChange> Changes { get; }

    /// <summary>The latest state change published (the current state), readable from any thread.</summary>
    public ConnectionStateChange Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>A consistent view of the published state, for synchronous reads from any thread.</summary>
    public ConnectionSnapshot Snapshot => _snapshot;

    /// <summary>RTN25: the reason of the latest change that had one; a clean CONNECTED clears it. Loop only.</summary>
    public ErrorInfo? ErrorReason { get; private set; }

    /// <summary>
    /// On the loop: records <paramref name="change"/> as the current state, takes the new snapshot (before any subscriber
    /// can hear of the change), and publishes the change to every subscriber.
    /// </summary>
    public void Publish(ConnectionStateChange change, ConnectionSession session)
    {
        if (change.Reason is not null || change.Current == ConnectionState.Connected)
        {
            ErrorReason = change.Reason;
        }

        Update(change.Current, session);
        using (DeliveryGuard.Enter())
        {
            lock (_gate)
            {
                _last = change;
                _changes.Publish(change);
            }
        }
    }

    /// <summary>On the loop: a new snapshot of the state, the error reason and what the connection is.</summary>
    public void Update(ConnectionState state, ConnectionSession session)
    {
        // RTN8d, RTN9d: id and key are not exposed while CLOSING, CLOSED or FAILED. SUSPENDED keeps them: the next attempt
        // still resumes (RTN14h).
        var hidden = state is ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed;
        _snapshot = new ConnectionSnapshot(state, ErrorReason, hidden ? null : session.Id, hidden ? null : session.Key, session.Details);
    }

    /// <summary>On the loop, at disposal: every subscriber's stream completes after what it was already given.</summary>
    public void Complete()
    {
        using (DeliveryGuard.Enter())
        {
            lock (_gate)
            {
                _changes.Complete();
            }
        }
    }
}

/// <summary>An immutable view of the connection's published state.</summary>
internal sealed record ConnectionSnapshot(ConnectionState State, ErrorInfo? ErrorReason, string? Id, string? Key, ConnectionDetails? Details)
{
    public static ConnectionSnapshot Initial { get; } = new(ConnectionState.Initialized, null, null, null, null);
}
