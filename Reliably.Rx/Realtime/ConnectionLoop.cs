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
/// The loop is the connection's state machine; the state lives in components that it owns and calls, each with its own
/// fields and file: <see cref="ConnectionStatus"/> (published state), <see cref="ConnectionSession"/> (id, key,
/// details, resume and recovery), <see cref="ConnectionTransport"/> (the current transport and frame writes),
/// <see cref="PublishPipeline"/> (msgSerial, ACK/NACK, queue, resend), <see cref="ConnectionAttempts"/> (attempt
/// timeout, retry backoff, suspension clock), <see cref="HostRotation"/> (fallback hosts), <see cref="AuthRenewal"/>
/// (credentials and re-authorization), <see cref="PingTracker"/> (RTN13), <see cref="IdleWatch"/> (RTN23a),
/// <see cref="ConnectionClose"/> (RTN12) and <see cref="AttemptTelemetry"/>. The partial files split the state machine
/// by the events it handles: <c>.Connect</c> attempts, retries and suspension; <c>.Connected</c> CONNECTED;
/// <c>.Inbound</c> transport, frame and network events; <c>.Publish</c> the send and ping commands; <c>.Auth</c> token
/// errors and re-authentication; <c>.Close</c> close, fail and dispose.
/// </remarks>
internal sealed partial class ConnectionLoop : IDeliveryHost
{
    private readonly ClientOptions _options;
    private readonly ILogger _logger;
    private readonly RandomSource _random;
    private readonly CancellationTokenSource _lifetime = new();

    // Loop mechanics: a FIFO of work with a single drainer at a time (LoopTurns). Without a caller's scheduler the
    // drainer is a thread-pool work item queued when the FIFO goes from idle to busy (no thread per client); with one
    // (virtual time), every post is its own scheduled item, so each hop costs one scheduler step.
    private readonly LoopTurns _turns;

    // The components: each owns its state; only the loop calls them, on the loop.
    private readonly ConnectionStatus _status;
    private readonly ConnectionSession _session;
    private readonly ConnectionTransport _transport;
    private readonly PublishPipeline _publish;
    private readonly ConnectionAttempts _attempts;
    private readonly HostRotation _hosts;
    private readonly AuthRenewal _auth;
    private readonly PingTracker _pings;
    private readonly IdleWatch _idle;
    private readonly ConnectionClose _close;
    private readonly AttemptTelemetry _telemetry = new();

    // Loop-only: the state machine's state (the published copy is in _status).
    private ConnectionState _state = ConnectionState.Initialized;

    public ConnectionLoop(
        ClientOptions options,
        IAuthProvider auth,
        ITransportFactory transports,
        RandomSource? random = null,
        Func<CancellationToken, Task<bool>>? connectivityCheck = null,
        Action<string?>? connectedHost = null)
    {
        _options = options;
        _random = random ?? new RandomSource(options.Random);
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Reliably.Rx.Realtime.Connection");
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

        _status = new ConnectionStatus(this, _logger);
        Channels = new ChannelRegistry((name, ex) => RealtimeLog.SinkFaulted(_logger, name, ex));
        _auth = new AuthRenewal(auth);
        _hosts = new HostRotation(new RealtimeHosts(options), _random, connectivityCheck, connectedHost);
        _transport = new ConnectionTransport(transports, _logger);
        _attempts = new ConnectionAttempts(this, _random, options.DisconnectedRetryTimeout);
        _pings = new PingTracker(this, _transport, _random, options.RealtimeRequestTimeout);
        _idle = new IdleWatch(this, options.MaxIdleInterval, options.RealtimeRequestTimeout, OnIdleTimer);
        _close = new ConnectionClose(this);

        RecoveryKey? recover = null;
        if (options.Recover is { } recoveryKey)
        {
            recover = RecoveryKey.TryParse(recoveryKey);
            if (recover is null)
            {
                // RTN16f1: connect as though no recovery key was given.
                RealtimeLog.InvalidRecoveryKey(_logger);
            }
            else
            {
                // RTN16j: channel serials for the recovered channels.
                Channels.RecoveredChannelSerials = recover.ChannelSerials;
            }
        }

        _session = new ConnectionSession(options, recover);

        // RTN16f: the recovered msgSerial continues the recovered connection.
        _publish = new PublishPipeline(_transport, options, _logger, recover?.MsgSerial ?? 0);
    }

    /// <summary>Default maxMessageSize until connectionDetails say otherwise (TO3l8).</summary>
    public const long DefaultMaxMessageSize = ConnectionSession.DefaultMaxMessageSize;

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

    public IAuthProvider Auth => _auth.Provider;

    public ILogger Logger => _logger;

    /// <summary>The client's random source (RTB1 jitter, host order, ping ids); channels use it for RTL13b retries.</summary>
    public RandomSource Random => _random;

    /// <summary>A consistent view of the published state, for synchronous reads from any thread.</summary>
    public ConnectionSnapshot Snapshot => _status.Snapshot;

    /// <summary>Hot; starts with the current state for each subscriber; lossless per-subscriber FIFO on <see cref="DeliveryScheduler"/>.</summary>
    public IObservable<ConnectionStateChange> StateChanges => _status.Changes;

    /// <summary>The latest state change published (the current state), readable from any thread.</summary>
    public ConnectionStateChange LastChange => _status.Last;

    /// <summary>True once the client is disposed.</summary>
    public bool IsDisposed => _turns.IsStopped;

    /// <summary>True when called from inside a loop turn.</summary>
    public bool IsOnLoop => _turns.IsOnLoop;

    /// <summary>The current state; only meaningful on the loop (use <see cref="Snapshot"/> elsewhere).</summary>
    public ConnectionState State => _state;

    /// <summary>The current connectionId, kept across DISCONNECTED for resume; only meaningful on the loop.</summary>
    public string? ConnectionId => _session.Id;

    /// <summary>The connection's next msgSerial (RTN7, RTN16).</summary>
    public long MsgSerial => _publish.MsgSerial;

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

    private void SetState(ConnectionState next, ErrorInfo? reason, TimeSpan? retryIn = null, bool resumed = false)
    {
        if (_state == ConnectionState.Connected && next != ConnectionState.Connected)
        {
            _hosts.OnConnectionGone();
        }

        var previous = _state;
        var evt = previous == next && next == ConnectionState.Connected ? ConnectionEvent.Update : ConnectionStateChange.EventFor(next);
        _state = next;
        _transport.Connected = next == ConnectionState.Connected;

        var change = new ConnectionStateChange(previous, next, evt, reason, retryIn);
        RealtimeLog.StateChanged(_logger, previous, next, evt, reason?.Code, retryIn);
        _status.Publish(change, _session);
        Channels.OnConnectionStateChanged(change, resumed);

        // RTN13b, RTN13d: pings hear of every change; re-authorizations fault when the connection can no longer complete them.
        _pings.OnStateChanged(change, _status.ErrorReason);
        if (next is ConnectionState.Failed or ConnectionState.Suspended or ConnectionState.Closed)
        {
            _auth.Complete(reason ?? StateError(next));
        }
    }

    /// <summary>The error of an operation refused in <paramref name="state"/>, given the connection's error reason.</summary>
    private ErrorInfo StateError(ConnectionState state) => ConnectionErrors.StateError(state, _status.ErrorReason);

    /// <summary>A new snapshot after what the connection is changed without a change of state (RTN21).</summary>
    private void UpdateSnapshot() => _status.Update(_state, _session);
}
