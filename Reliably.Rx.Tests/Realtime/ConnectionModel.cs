namespace Reliably.Rx.Tests.Realtime;

/// <summary>How the model's network treats new connection attempts (and a CLOSE).</summary>
internal enum Network
{
    /// <summary>Attempts get CONNECTED at once; a CLOSE gets CLOSED.</summary>
    Up,

    /// <summary>Attempts are refused at once (a network failure, RTN14d).</summary>
    Down,

    /// <summary>Attempts open a transport that never answers (RTN14c); a CLOSE is never answered (RTN12b).</summary>
    Silent,
}

/// <summary>
/// The connection state machine as the features spec states it, with virtual time as a number, no fallback hosts, and
/// the RTB1 jitter pinned to 0.9. It counts the connection attempts, those that asked to resume, and the CLOSE frames.
/// </summary>
/// <remarks>
/// Server frames and transport losses are applied only while CONNECTED. Where the spec leaves a choice the model states
/// the library's: the connectionStateTtl clock (RTN14e) starts at the first attempt, or when a CONNECTED transport is
/// lost, and stops at CONNECTED; a CONNECTING connection that reaches it is SUSPENDED at once; CLOSING after
/// CONNECTING ends in CLOSED when the attempt times out or fails.
/// </remarks>
internal sealed class ConnectionModel
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DisconnectedRetryTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SuspendedRetryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectionStateTtl = TimeSpan.FromSeconds(120);
    private const double Jitter = 0.9;

    private ConnectionState _state;
    private TimeSpan _now;
    private TimeSpan? _connectAt;
    private TimeSpan? _retryAt;
    private TimeSpan? _suspendAt;
    private TimeSpan? _closeAt;
    private TimeSpan? _disconnectedSince;
    private int _retryCount;
    private bool _hasKey;
    private int _attempts;
    private int _resumes;
    private int _closeFrames;

    /// <summary>A client that connected once, with the network up.</summary>
    public ConnectionModel()
    {
        StartConnecting();
    }

    public Network Network { get; set; } = Network.Up;

    /// <summary>RTN11.</summary>
    public void Connect()
    {
        switch (_state)
        {
            case ConnectionState.Connecting:
            case ConnectionState.Connected:
                return; // RTN11e
            case ConnectionState.Closing:
            case ConnectionState.Closed:
            case ConnectionState.Failed:
                // RTN11b, RTN11d: a new connection; nothing of the old one is kept, so it cannot be resumed.
                _closeAt = null;
                _connectAt = null;
                _hasKey = false;
                _disconnectedSince = null;
                _retryCount = 0;
                break;
        }

        StartConnecting(); // RTN11c from DISCONNECTED or SUSPENDED: the attempt is made now
    }

    /// <summary>RTN12.</summary>
    public void Close()
    {
        switch (_state)
        {
            case ConnectionState.Disconnected:
            case ConnectionState.Suspended:
                EnterClosed(); // RTN12d
                return;
            case ConnectionState.Connecting:
                _state = ConnectionState.Closing; // RTN12f
                _closeAt = _now + RequestTimeout;
                return;
            case ConnectionState.Connected:
                _closeFrames++; // RTN12a
                _state = ConnectionState.Closing;
                _closeAt = _now + RequestTimeout; // RTN12b
                if (Network != Network.Silent)
                {
                    EnterClosed();
                }

                return;
        }
    }

    /// <summary>RTN15a: the transport is lost; RTN15h3: a DISCONNECTED without a token error. Both: resume at once.</summary>
    public void TransportLost()
    {
        if (_state == ConnectionState.Connected)
        {
            EnterDisconnectedOrSuspended(immediate: true);
        }
    }

    /// <summary>RTN15j: a connection ERROR is fatal.</summary>
    public void ServerError()
    {
        if (_state == ConnectionState.Connected)
        {
            StopEverything();
            _state = ConnectionState.Failed;
        }
    }

    public void Advance(TimeSpan by)
    {
        var until = _now + by;
        while (Next() is { } at && at <= until)
        {
            _now = at;
            if (_connectAt == at)
            {
                _connectAt = null;
                AttemptFailed(); // RTN14c
            }
            else if (_closeAt == at)
            {
                _closeAt = null;
                EnterClosed(); // RTN12b, RTN12f
            }
            else if (_suspendAt == at)
            {
                _suspendAt = null;
                if (_state is ConnectionState.Disconnected or ConnectionState.Connecting)
                {
                    EnterSuspended(); // RTN14e
                }
            }
            else
            {
                _retryAt = null;
                StartConnecting(); // RTN14d, RTN14f
            }
        }

        _now = until;
    }

    private TimeSpan? Next() => new[] { _connectAt, _closeAt, _suspendAt, _retryAt }.Where(t => t is not null).Min();

    private void StartConnecting()
    {
        _retryAt = null;
        if (_disconnectedSince is null)
        {
            _disconnectedSince = _now;
            _suspendAt = _now + ConnectionStateTtl;
        }

        _state = ConnectionState.Connecting;

        // RTN15b, RTN14h: every attempt after a CONNECTED asks to resume, however long ago that was.
        _attempts++;
        if (_hasKey)
        {
            _resumes++;
        }

        _connectAt = _now + RequestTimeout;
        switch (Network)
        {
            case Network.Up:
                _connectAt = null;
                _disconnectedSince = null;
                _suspendAt = null;
                _retryCount = 0;
                _hasKey = true;
                _state = ConnectionState.Connected;
                return;
            case Network.Down:
                AttemptFailed();
                return;
        }
    }

    private void AttemptFailed()
    {
        _connectAt = null;
        if (_state == ConnectionState.Closing)
        {
            EnterClosed(); // RTN12f: the attempt did not succeed
            return;
        }

        EnterDisconnectedOrSuspended(immediate: false);
    }

    private void EnterDisconnectedOrSuspended(bool immediate)
    {
        if (_disconnectedSince is null)
        {
            _disconnectedSince = _now;
            _suspendAt = _now + ConnectionStateTtl;
        }

        if (_now - _disconnectedSince.Value >= ConnectionStateTtl)
        {
            EnterSuspended(); // RTN14e
            return;
        }

        _state = ConnectionState.Disconnected;
        if (immediate)
        {
            StartConnecting(); // RTN15a, RTN15h3
            return;
        }

        // RTN14d, RTB1.
        _retryCount++;
        var backoff = Math.Min((_retryCount + 2) / 3.0, 2.0);
        _retryAt = _now + TimeSpan.FromTicks((long)(DisconnectedRetryTimeout.Ticks * backoff * Jitter));
    }

    private void EnterSuspended()
    {
        _connectAt = null;
        _suspendAt = null;
        _state = ConnectionState.Suspended;
        _retryAt = _now + SuspendedRetryTimeout; // RTN14e, RTN14f
    }

    private void EnterClosed()
    {
        StopEverything();
        _state = ConnectionState.Closed;
    }

    private void StopEverything()
    {
        _connectAt = _retryAt = _suspendAt = _closeAt = null;
        _disconnectedSince = null;
        _retryCount = 0;
        _hasKey = false;
    }

    public string Describe() => $"{_state} attempts={_attempts} resumes={_resumes} closes={_closeFrames}";
}
