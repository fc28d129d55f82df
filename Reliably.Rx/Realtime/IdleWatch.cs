namespace Reliably.Rx.Realtime;

/// <summary>
/// RTN23a: the connection is lost when the server stays silent for longer than maxIdleInterval plus
/// realtimeRequestTimeout. Every inbound frame is activity; the timer is not restarted per frame (that would cost a
/// scheduler item per frame): when it fires it checks the last activity and re-arms for the remainder. Loop only.
/// </summary>
internal sealed class IdleWatch
{
    private readonly LoopTimer _timer;
    private readonly ConnectionLoop _loop;
    private readonly TimeSpan _requestTimeout;
    private readonly Action _onTimer;
    private DateTimeOffset _lastActivity;

    /// <param name="loop">The loop whose scheduler is the clock.</param>
    /// <param name="maxIdleInterval">The default maxIdleInterval, until connectionDetails give one (RTN21).</param>
    /// <param name="requestTimeout">realtimeRequestTimeout, the grace added to maxIdleInterval.</param>
    /// <param name="onTimer">Called on the loop when the timer fires; it asks <see cref="Expired"/> whether the silence is too long.</param>
    public IdleWatch(ConnectionLoop loop, TimeSpan maxIdleInterval, TimeSpan requestTimeout, Action onTimer)
    {
        _loop = loop;
        _timer = new LoopTimer(loop, "idle");
        _requestTimeout = requestTimeout;
        _onTimer = onTimer;
        MaxIdleInterval = maxIdleInterval;
    }

    /// <summary>RTN21: maxIdleInterval, from connectionDetails or the options; zero means the server may stay silent.</summary>
    public TimeSpan MaxIdleInterval { get; set; }

    /// <summary>True while the timer runs.</summary>
    public bool IsRunning => _timer.IsRunning;

    /// <summary>When the timer is next due, while it runs.</summary>
    public DateTimeOffset DueAt => _timer.DueAt;

    /// <summary>Something arrived from the server now.</summary>
    public void Touch() => _lastActivity = _loop.Scheduler.Now;

    /// <summary>CONNECTED: activity now, and the timer runs (unless maxIdleInterval is zero).</summary>
    public void Start()
    {
        Touch();
        _timer.Cancel();
        if (MaxIdleInterval <= TimeSpan.Zero)
        {
            // RTN23a: a maxIdleInterval of 0 means the server may stay silent indefinitely.
            return;
        }

        _timer.Start(MaxIdleInterval + _requestTimeout, _onTimer);
    }

    /// <summary>The connection is gone or closing: no more checks.</summary>
    public void Stop() => _timer.Cancel();

    /// <summary>
    /// When the timer fired: the error to lose the connection with when the silence has lasted the limit; otherwise
    /// null, and the timer re-armed for the remainder.
    /// </summary>
    public ErrorInfo? Expired()
    {
        var limit = MaxIdleInterval + _requestTimeout;
        var silent = _loop.Scheduler.Now - _lastActivity;
        if (silent < limit)
        {
            _timer.Start(limit - silent, _onTimer);
            return null;
        }

        var ms = (long)limit.TotalMilliseconds;
        return new ErrorInfo(ErrorCodes.Disconnected, 408, $"No activity seen from realtime in {ms} ms (RTN23a).");
    }
}
