using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Auth;
using Reliably.Rx.Randomness;
using Reliably.Rx.Streams;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The connection loop: the single owner of all realtime connection state. Every transport event, timer tick and
/// user command is marshalled onto <see cref="Scheduler"/> and executed one at a time (a work queue with one drainer
/// guarantees this even on a concurrent scheduler), so no lock guards protocol state. The scheduler is the only clock.
/// </summary>
/// <remarks>
/// Split by concern: this file holds the loop mechanics and the published state; <c>.Connect</c> the connection
/// attempt, retry and suspension rules; <c>.Connected</c> the resume outcome and UPDATE; <c>.Inbound</c> frame dispatch and the idle timer; <c>.Publish</c> the
/// msgSerial/ACK pipeline; <c>.Auth</c> token errors and re-authentication; <c>.Close</c> close, fail and dispose;
/// <c>.Ping</c> the RTN13 ping.
/// </remarks>
internal sealed partial class ConnectionLoop : IDeliveryHost
{
    private readonly ClientOptions _options;
    private readonly IAuthProvider _auth;
    private readonly ITransportFactory _transports;
    private readonly ILogger _logger;
    private readonly RandomSource _random;
    private readonly RealtimeHosts _hosts;
    private readonly CancellationTokenSource _lifetime = new();

    // Loop mechanics: a FIFO of work with a single drainer at a time (LoopTurns). Without a caller's scheduler the
    // drainer is a thread-pool work item queued when the FIFO goes from idle to busy (no thread per client); with one
    // (virtual time), every post is its own scheduled item, so each hop costs one scheduler step.
    private readonly LoopTurns _turns;

    // Published state: written on the loop, read from anywhere.
    private readonly object _publishGate = new();
    private readonly LosslessBroadcast<ConnectionStateChange> _stateChanges;
    private ConnectionStateChange _lastChange;
    private volatile ConnectionSnapshot _snapshot = ConnectionSnapshot.Initial;

    // Loop-only connection state.
    private ConnectionState _state = ConnectionState.Initialized;
    private ErrorInfo? _errorReason;
    private string? _connectionId;
    private string? _connectionKey;
    private ConnectionDetails? _details;
    private TimeSpan _connectionStateTtl;
    private TimeSpan _maxIdleInterval;
    private long _maxMessageSize = DefaultMaxMessageSize;

    public ConnectionLoop(
        ClientOptions options,
        IAuthProvider auth,
        ITransportFactory transports,
        RandomSource? random = null,
        Func<CancellationToken, Task<bool>>? connectivityCheck = null,
        Action<string?>? connectedHost = null)
    {
        _options = options;
        _connectedHost = connectedHost;
        _connectivityCheck = connectivityCheck ?? (_ => Task.FromResult(true));
        _auth = auth;
        _transports = transports;
        _random = random ?? new RandomSource(options.Random);
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Reliably.Rx.Realtime.Connection");
        _hosts = new RealtimeHosts(options);
        if (options.Scheduler is { } scheduler)
        {
            Scheduler = scheduler;

            // In virtual time notifications are delivered on the test's scheduler too, as separate work items after the
            // loop turn, so tests stay deterministic. A real scheduler of the caller's (an EventLoopScheduler) is the
            // loop's own thread: subscribers must not share it, so they get the thread pool.
            _turns = new LoopTurns(scheduler, _logger);
            DeliveryScheduler = options.DeliveryScheduler ?? (_turns.DedicatedThread ? ThreadPoolScheduler.Instance : scheduler);
        }
        else
        {
            // The system clock and thread-pool timers; turns run on the thread pool, one at a time (see Post).
            Scheduler = DefaultScheduler.Instance;
            DeliveryScheduler = options.DeliveryScheduler ?? ThreadPoolScheduler.Instance;
            _turns = new LoopTurns(null, _logger);
        }

        _connectionStateTtl = options.ConnectionStateTtl;
        _maxIdleInterval = options.MaxIdleInterval;
        _lastChange = new ConnectionStateChange(ConnectionState.Initialized, ConnectionState.Initialized, ConnectionEvent.Initialized);
        _stateChanges = new LosslessBroadcast<ConnectionStateChange>(this);
        _stateChanges.SubscriberFaulted += ex => RealtimeLog.SubscriberFaulted(_logger, ex);
        Channels = new ChannelRegistry((name, ex) => RealtimeLog.SinkFaulted(_logger, name, ex));

        _connectTimer = new LoopTimer(this, "connect");
        _retryTimer = new LoopTimer(this, "retry");
        _suspendTimer = new LoopTimer(this, "suspend");
        _idleTimer = new LoopTimer(this, "idle");
        _closeTimer = new LoopTimer(this, "close");

        if (options.Recover is { } recover)
        {
            _recover = RecoveryKey.TryParse(recover);
            if (_recover is null)
            {
                RealtimeLog.InvalidRecoveryKey(_logger);
            }
            else
            {
                // RTN16f: the recovered msgSerial continues the recovered connection; RTN16j: channel serials for channels.
                _msgSerial = _recover.MsgSerial;
                Channels.RecoveredChannelSerials = _recover.ChannelSerials;
            }
        }
    }

    /// <summary>Default maxMessageSize until connectionDetails says otherwise (TO3l8).</summary>
    public const long DefaultMaxMessageSize = 65_536;

    /// <summary>The loop's scheduler: the only clock and timer source.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Where user-visible notifications are delivered (never inside a loop turn).</summary>
    public IScheduler DeliveryScheduler { get; }

    /// <inheritdoc />
    IScheduler IDeliveryHost.Clock => Scheduler;

    /// <summary>
    /// True on a thread that must not run user code: inside a loop turn, inside a library lock, or on the loop's own
    /// dedicated thread (a caller's real scheduler) even between turns. Delivery that finds itself here moves to the pool.
    /// </summary>
    public bool MustNotRunUserCode =>
        IsOnLoop || DeliveryGuard.Active || _turns.OnDedicatedThread;


    /// <summary>The channel seam: registered channels receive their frames and connection state changes on the loop.</summary>
    public ChannelRegistry Channels { get; }

    public ClientOptions Options => _options;

    public IAuthProvider Auth => _auth;

    public ILogger Logger => _logger;

    /// <summary>The client's random source (RTB1 jitter, host order, ping ids); channels use it for RTL13b retries.</summary>
    public RandomSource Random => _random;

    /// <summary>A consistent view of the published state, for synchronous reads from any thread.</summary>
    public ConnectionSnapshot Snapshot => _snapshot;

    /// <summary>Hot; starts with the current state for each subscriber; lossless per-subscriber FIFO on <see cref="DeliveryScheduler"/>.</summary>
    public IObservable<ConnectionStateChange> StateChanges { get; private set; } = null!;

    /// <summary>The latest state change published (the current state), readable from any thread.</summary>
    public ConnectionStateChange LastChange
    {
        get
        {
            lock (_publishGate)
            {
                return _lastChange;
            }
        }
    }

    /// <summary>True once the client is disposed.</summary>
    public bool IsDisposed => _turns.IsStopped;

    /// <summary>True when called from inside a loop turn.</summary>
    public bool IsOnLoop => _turns.IsOnLoop;

    /// <summary>The current state; only meaningful on the loop (use <see cref="Snapshot"/> elsewhere).</summary>
    public ConnectionState State => _state;

    /// <summary>The current connectionId, kept across DISCONNECTED for resume; only meaningful on the loop.</summary>
    public string? ConnectionId => _connectionId;

    /// <summary>The connection's next msgSerial (RTN7, RTN16).</summary>
    public long MsgSerial => Interlocked.Read(ref _msgSerial);

    /// <summary>Schedules <paramref name="action"/> as a new loop turn. Returns false when the client is disposed.</summary>
    public bool Post(Action action) => _turns.Post(action);

    /// <summary>Schedules <c>run(state)</c> as a new loop turn; a cached delegate and a state avoid a closure per call.</summary>
    public bool Post(Action<object?> run, object? state) => _turns.Post(run, state);

    /// <summary>Runs <paramref name="action"/> now when already on the loop (keeping its order), otherwise posts it.</summary>
    public bool Execute(Action action) => _turns.Execute(action);

    /// <summary>Runs <c>run(state)</c> now when already on the loop (keeping its order), otherwise posts it.</summary>
    public bool Execute(Action<object?> run, object? state) => _turns.Execute(run, state);

    /// <summary>
    /// Runs <paramref name="action"/> on the loop: immediately on this thread when no turn is running, otherwise after
    /// the running turn's queue (by its drainer). Either way actions never overlap.
    /// </summary>
    internal void RunOnLoop(Action action) => _turns.RunOnLoop(action);

    internal void InitializeStreams()
    {
        StateChanges = System.Reactive.Linq.Observable.Create<ConnectionStateChange>(observer =>
        {
            // Under the publish gate so no change can slip between the snapshot and the subscription: the subscriber
            // gets the current state first, then every later change, with no gap and no duplicate.
            using (DeliveryGuard.Enter())
            {
                lock (_publishGate)
                {
                    return _stateChanges.Subscribe(observer, _lastChange);
                }
            }
        });
    }

    private DateTimeOffset Now => Scheduler.Now;

    private void SetState(ConnectionState next, ErrorInfo? reason, TimeSpan? retryIn = null, bool resumed = false)
    {
        if (_state == ConnectionState.Connected && next != ConnectionState.Connected)
        {
            // RTN17e: REST stops preferring the datacenter of a connection that is gone.
            _connectedHost?.Invoke(null);
        }

        var previous = _state;
        var evt = previous == next && next == ConnectionState.Connected ? ConnectionEvent.Update : ConnectionStateChange.EventFor(next);
        _state = next;
        if (reason is not null || next == ConnectionState.Connected)
        {
            // RTN25: errorReason follows the latest reason; a clean CONNECTED clears it.
            _errorReason = reason;
        }

        var change = new ConnectionStateChange(previous, next, evt, reason, retryIn);
        RealtimeLog.StateChanged(_logger, previous, next, evt, reason?.Code, retryIn);
        UpdateSnapshot();
        using (DeliveryGuard.Enter())
        {
            lock (_publishGate)
            {
                _lastChange = change;
                _stateChanges.Publish(change);
            }
        }

        Channels.OnConnectionStateChanged(change, resumed);
        OnStateChangedForWaiters(change);
    }

    private void UpdateSnapshot()
    {
        // RTN8d, RTN9d: id and key are not exposed while CLOSING, CLOSED or FAILED. SUSPENDED keeps them: the next attempt
        // still resumes (RTN14h).
        var hidden = _state is ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed;
        _snapshot = new ConnectionSnapshot(
            _state,
            _errorReason,
            hidden ? null : _connectionId,
            hidden ? null : _connectionKey,
            _details);
    }
}

/// <summary>An immutable view of the connection's published state.</summary>
internal sealed record ConnectionSnapshot(ConnectionState State, ErrorInfo? ErrorReason, string? Id, string? Key, ConnectionDetails? Details)
{
    public static ConnectionSnapshot Initial { get; } = new(ConnectionState.Initialized, null, null, null, null);
}
