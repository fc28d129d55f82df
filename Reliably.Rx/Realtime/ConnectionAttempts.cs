using Reliably.Rx.Randomness;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The timing of connection attempts (RTN14c, RTN14d, RTN14e, RTN15a, RTB1): the attempt id that makes the callbacks of
/// an abandoned attempt stale, its RTN14c timeout, the retry backoff, and the connectionStateTtl clock that ends in
/// SUSPENDED. The loop decides what an attempt's outcome means; this keeps when. Loop only.
/// </summary>
internal sealed class ConnectionAttempts
{
    private readonly ConnectionLoop _loop;
    private readonly RandomSource _random;
    private readonly TimeSpan _retryTimeout;
    private readonly LoopTimer _connectTimer;
    private readonly LoopTimer _retryTimer;
    private readonly LoopTimer _suspendTimer;
    private int _retryCount;
    private DateTimeOffset? _disconnectedSince;

    /// <param name="loop">The loop whose scheduler is the clock.</param>
    /// <param name="random">RTB1b jitter.</param>
    /// <param name="retryTimeout">disconnectedRetryTimeout, the base of the RTN14d backoff.</param>
    public ConnectionAttempts(ConnectionLoop loop, RandomSource random, TimeSpan retryTimeout)
    {
        _loop = loop;
        _random = random;
        _retryTimeout = retryTimeout;
        _connectTimer = new LoopTimer(loop, "connect");
        _retryTimer = new LoopTimer(loop, "retry");
        _suspendTimer = new LoopTimer(loop, "suspend");
    }

    /// <summary>The current attempt's id: callbacks carrying another are stale.</summary>
    public int Id { get; private set; }

    /// <summary>True while the current attempt waits for credentials (a timeout then is an auth failure, RSA4c).</summary>
    public bool AwaitingCredentials { get; set; }

    /// <summary>RTN14b: the token was renewed for this connection request; a second rejection waits for the next retry.</summary>
    public bool TokenRenewed { get; set; }

    /// <summary>How many retries the cycle has made (RTB1a).</summary>
    public int RetryCount => _retryCount;

    /// <summary>True while the connectionStateTtl clock runs.</summary>
    public bool SuspendClockRunning => _suspendTimer.IsRunning;

    /// <summary>
    /// A new attempt, waiting for its credentials: the callbacks of earlier ones are stale from now on, and the whole
    /// attempt, token included, must reach CONNECTED within <paramref name="timeout"/> (RTN14c).
    /// </summary>
    public int Begin(TimeSpan timeout, Action<int> onTimeout)
    {
        var attempt = ++Id;
        _connectTimer.Start(timeout, () => onTimeout(attempt));
        AwaitingCredentials = true;
        return attempt;
    }

    /// <summary>The current attempt's callbacks (its timer, its credentials) become stale; returns the new id.</summary>
    public int Supersede() => ++Id;

    /// <summary>True when <paramref name="attempt"/> is the current attempt.</summary>
    public bool IsCurrent(int attempt) => attempt == Id;

    /// <summary>The attempt is over (CONNECTED, failed or abandoned): no timeout for it.</summary>
    public void EndAttempt() => _connectTimer.Cancel();

    /// <summary>
    /// RTN14e: connectionStateTtl counts from the first attempt (or the loss of the connection) until CONNECTED; a cycle
    /// already under way keeps its clock. <paramref name="onSuspend"/> runs when it expires.
    /// </summary>
    public void StartCycle(TimeSpan connectionStateTtl, Action onSuspend)
    {
        _retryTimer.Cancel();
        if (_disconnectedSince is null)
        {
            _disconnectedSince = _loop.Scheduler.Now;
            _suspendTimer.Start(connectionStateTtl, onSuspend);
        }
    }

    /// <summary>
    /// The connection was lost or an attempt failed: the connectionStateTtl clock runs (started now when the connection
    /// was <paramref name="wasConnected"/>). True when connectionStateTtl has passed: the connection is SUSPENDED.
    /// </summary>
    public bool Lost(TimeSpan connectionStateTtl, bool wasConnected, Action onSuspend)
    {
        var now = _loop.Scheduler.Now;
        _disconnectedSince ??= now;
        if (!_suspendTimer.IsRunning && wasConnected)
        {
            _suspendTimer.Start(connectionStateTtl, onSuspend);
        }

        return now - _disconnectedSince.Value >= connectionStateTtl;
    }

    /// <summary>RTN14d: the delay of the cycle's next retry, the RTB1 backoff of disconnectedRetryTimeout.</summary>
    public TimeSpan NextRetryDelay() => RetryBackoff.Delay(_retryTimeout, ++_retryCount, _random);

    /// <summary>RTN14e: SUSPENDED: no attempt, retry or connectionStateTtl clock runs until <see cref="RetryAfter"/>.</summary>
    public void Suspend()
    {
        _connectTimer.Cancel();
        _retryTimer.Cancel();
        _suspendTimer.Cancel();
    }

    /// <summary>A new attempt after <paramref name="delay"/> (RTN14d from DISCONNECTED, RTN14e from SUSPENDED).</summary>
    public void RetryAfter(TimeSpan delay, Action retry) => _retryTimer.Start(delay, retry);

    /// <summary>CONNECTED: the cycle is over; the next loss starts a new one.</summary>
    public void Connected()
    {
        _disconnectedSince = null;
        _retryCount = 0;
        _suspendTimer.Cancel();
        TokenRenewed = false;
    }

    /// <summary>RTN11d: a new connection after CLOSED or FAILED starts a new cycle.</summary>
    public void Reset()
    {
        _disconnectedSince = null;
        _retryCount = 0;
        TokenRenewed = false;
    }

    /// <summary>CLOSED or FAILED: no attempt, retry or suspension is pending.</summary>
    public void Stop()
    {
        _connectTimer.Cancel();
        _retryTimer.Cancel();
        _suspendTimer.Cancel();
        _disconnectedSince = null;
        _retryCount = 0;
    }
}
