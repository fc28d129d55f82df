using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>
/// The realtime connection of an <see cref="AblyRealtime"/> client (RTN): its state, its identity and the operations
/// connect, close and ping. Every state transition happens on the client's connection loop; this object only reads
/// published snapshots and posts commands, so all members are thread-safe and none blocks.
/// </summary>
public sealed class Connection
{
    private readonly ConnectionLoop _loop;

    internal Connection(ConnectionLoop loop)
    {
        _loop = loop;
    }

    /// <summary>The current state (RTN4d), read synchronously.</summary>
    public ConnectionState State => _loop.Snapshot.State;

    /// <summary>The error behind the latest failed or degraded state, or null (RTN25).</summary>
    public ErrorInfo? ErrorReason => _loop.Snapshot.ErrorReason;

    /// <summary>The connection id assigned by the server (RTN8); null before the first CONNECTED and while CLOSING, CLOSED or FAILED (RTN8d).</summary>
    public string? Id => _loop.Snapshot.Id;

    /// <summary>The private connection key used to resume (RTN9); null when <see cref="Id"/> is.</summary>
    public string? Key => _loop.Snapshot.Key;

    /// <summary>The details from the latest CONNECTED (CD2, RTN21), or null before the first one.</summary>
    public ConnectionDetails? Details => _loop.Snapshot.Details;

    /// <summary>The connection's state changes (RTN4).</summary>
    /// <remarks>
    /// <para>Hot and shared. A new subscriber first receives the current state (as a change whose
    /// <see cref="ConnectionStateChange.Current"/> is the current state), then every later change and UPDATE, in order,
    /// with no gap and no duplicate.</para>
    /// <para>Each subscriber has its own unbounded FIFO buffer, so a slow subscriber delays only itself and the
    /// connection never waits for it. Notifications never overlap for one subscriber and never run on the connection
    /// loop: they run on <see cref="ClientOptions.DeliveryScheduler"/>; by default the thread pool, or, when
    /// <see cref="ClientOptions.Scheduler"/> is set, separate work items on that scheduler (so virtual-time tests stay
    /// deterministic). A subscriber that throws is logged and keeps
    /// receiving. Completes (never errors) when the client is disposed.</para>
    /// </remarks>
    public IObservable<ConnectionStateChange> StateChanges => _loop.StateChanges;

    /// <summary>
    /// Connects (RTN11): from INITIALIZED, CLOSED or FAILED starts a new connection; from DISCONNECTED or SUSPENDED
    /// retries now; otherwise does nothing. Returns at once; follow progress on <see cref="StateChanges"/>.
    /// </summary>
    public void Connect() => _loop.Post(_loop.Connect);

    /// <summary>
    /// Closes the connection (RTN12): sends CLOSE and waits for CLOSED, or for realtimeRequestTimeout, whichever is
    /// first. Pending publishes fail with 80017. Completes when the state is CLOSED (or FAILED).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the close itself goes on.</param>
    public Task CloseAsync(CancellationToken cancellationToken = default) => _loop.CloseAsync().WaitAsync(cancellationToken);

    /// <summary>
    /// Pings the server (RTN13): sends a HEARTBEAT with a random id and measures the round trip on the client's clock.
    /// Waits for CONNECTED when connecting or disconnected.
    /// </summary>
    /// <returns>The round-trip time.</returns>
    /// <exception cref="AblyException">50003 when no answer comes within realtimeRequestTimeout; the state's error in INITIALIZED, SUSPENDED, CLOSING, CLOSED or FAILED.</exception>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => _loop.PingAsync().WaitAsync(cancellationToken);

    /// <summary>
    /// Runs the connectivity check the connection makes before it tries fallback hosts (REC3, RTN17j): a GET of
    /// <see cref="ClientOptions.ConnectivityCheckUrl"/> (Ably's by default, which must answer <c>yes</c>). True when the
    /// URL answered as expected within httpRequestTimeout; never throws for a network failure.
    /// </summary>
    public Task<bool> CheckConnectivityAsync(CancellationToken cancellationToken = default) => _loop.CheckConnectivityAsync(cancellationToken);

    /// <summary>
    /// Waits until the connection is in <paramref name="state"/>; completes at once when it already is, so it cannot
    /// miss a transition that already happened.
    /// </summary>
    /// <remarks>
    /// On a virtual-time scheduler (<see cref="ClientOptions.Scheduler"/>) the wait, its timeout included, only progresses
    /// while the test advances the scheduler: start the wait, advance, then await the task.
    /// </remarks>
    /// <param name="state">The state to wait for.</param>
    /// <param name="timeout">How long to wait, measured on the client's scheduler.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The change that entered <paramref name="state"/> (the current state when it was already reached).</returns>
    /// <exception cref="AblyException">50003 on timeout; the connection's reason when it goes FAILED while waiting for another state; 80017 when the client is disposed first.</exception>
    public async Task<ConnectionStateChange> WaitForStateAsync(ConnectionState state, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        StateWait.CheckTimeout(timeout);
        if (_loop.IsDisposed)
        {
            throw new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed.");
        }

        // Already there: answer now, without waiting for the state stream's first delivery (which, on a virtual-time
        // scheduler, only comes when the test advances the clock).
        if (_loop.LastChange is { } last && last.Current == state)
        {
            return last;
        }

        try
        {
            return await StateWait.ForAsync(
                StateChanges,
                change => change.Current == state,
                change => change.Current == ConnectionState.Failed && state != ConnectionState.Failed
                    ? new AblyException(change.Reason ?? new ErrorInfo(ErrorCodes.ConnectionFailed, 400, "Connection failed."))
                    : null,
                () => new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client was disposed while waiting."),
                $"connection state {state}",
                timeout,
                _loop.Scheduler,
                cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The client's loop scheduler is gone: report it like every other use after dispose.
            throw new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed.");
        }
    }

    /// <summary>
    /// A recovery key for <see cref="ClientOptions.Recover"/> (RTN16g): the connection key, the next msgSerial and each
    /// channel's serial, as an opaque string. Null when there is no connection to recover (RTN16g2).
    /// </summary>
    public string? CreateRecoveryKey()
    {
        var snapshot = _loop.Snapshot;
        if (snapshot.Key is null || snapshot.State is ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed or ConnectionState.Suspended)
        {
            return null;
        }

        return new RecoveryKey(snapshot.Key, _loop.MsgSerial, _loop.Channels.ChannelSerials()).Serialize();
    }

    internal ConnectionLoop Loop => _loop;
}
