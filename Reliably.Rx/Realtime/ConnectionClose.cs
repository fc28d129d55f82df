namespace Reliably.Rx.Realtime;

/// <summary>RTN12: the callers of a close that await CLOSED, and the timer that ends CLOSING without the server. Loop only.</summary>
internal sealed class ConnectionClose
{
    private readonly LoopTimer _timer;
    private readonly List<TaskCompletionSource<bool>> _waiters = new();

    public ConnectionClose(ConnectionLoop loop)
    {
        _timer = new LoopTimer(loop, "close");
    }

    /// <summary>How many callers await CLOSED (or FAILED).</summary>
    public int Waiting => _waiters.Count;

    /// <summary>True while CLOSING waits for the server's CLOSED (or CONNECTED).</summary>
    public bool IsTiming => _timer.IsRunning;

    /// <summary>Adds a caller that completes on CLOSED or FAILED.</summary>
    public void Await(TaskCompletionSource<bool> done) => _waiters.Add(done);

    /// <summary>RTN12b, RTN12f: CLOSED after <paramref name="timeout"/> if the server does not answer first.</summary>
    public void StartTimer(TimeSpan timeout, Action onTimeout) => _timer.Start(timeout, onTimeout);

    /// <summary>Stops the timer (CLOSED, FAILED, or a new connection).</summary>
    public void CancelTimer() => _timer.Cancel();

    /// <summary>Completes every caller awaiting CLOSED.</summary>
    public void Complete()
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        var waiters = _waiters.ToArray();
        _waiters.Clear();
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(true);
        }
    }
}
