using Reliably.Rx.Protocol;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Realtime;

/// <summary>Close (RTN12), FAILED (RTN14g, RTN15j) and disposal.</summary>
internal sealed partial class ConnectionLoop
{
    private readonly LoopTimer _closeTimer;
    private readonly List<TaskCompletionSource<bool>> _closeWaiters = new();

    /// <summary>RTN12: closes the connection; completes when CLOSED (or at once when there is nothing to close).</summary>
    public Task CloseAsync()
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Execute(() => BeginClose(done)))
        {
            done.TrySetResult(true);
        }

        return done.Task;
    }

    private void BeginClose(TaskCompletionSource<bool> done)
    {
        switch (_state)
        {
            case ConnectionState.Closed:
            case ConnectionState.Failed:
                // RTN12d: nothing to close.
                done.TrySetResult(true);
                return;
            case ConnectionState.Initialized:
            case ConnectionState.Disconnected:
            case ConnectionState.Suspended:
                // RTN12d: no transport: CLOSED at once, and no more retries.
                _closeWaiters.Add(done);
                EnterClosed();
                return;
            case ConnectionState.Closing:
                _closeWaiters.Add(done);
                return;
            case ConnectionState.Connecting:
                // RTN12f: CLOSING now; CLOSE goes out if CONNECTED arrives, the attempt's failure means CLOSED.
                _closeWaiters.Add(done);
                SetState(ConnectionState.Closing, null);
                _closeTimer.Start(_options.RealtimeRequestTimeout, EnterClosed);
                return;
            case ConnectionState.Connected:
                // RTN12a, RTN12b: CLOSE, then CLOSED from the server or after realtimeRequestTimeout.
                _closeWaiters.Add(done);
                _idleTimer.Cancel();
                SendFrame(new ProtocolMessage(ProtocolAction.Close));
                SetState(ConnectionState.Closing, null);
                _closeTimer.Start(_options.RealtimeRequestTimeout, EnterClosed);
                return;
        }
    }

    private void EnterClosed()
    {
        OnAttemptEnded(new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "Closed before the connection attempt completed."));
        if (_state == ConnectionState.Closed)
        {
            return;
        }

        StopEverything();
        var closed = new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "Connection closed.");
        FailAllMessages(closed);

        // RTN12a: the connection's state is discarded by the server; it cannot be resumed.
        _connectionId = null;
        _connectionKey = null;
        SetState(ConnectionState.Closed, null);
        CompleteCloseWaiters();
    }

    /// <summary>FAILED with <paramref name="error"/>: fatal, no retries (RTN14g, RTN15j).</summary>
    private void Fail(ErrorInfo error)
    {
        OnAttemptEnded(error);
        if (_state == ConnectionState.Failed)
        {
            return;
        }

        StopEverything();
        FailAllMessages(error);
        _connectionId = null;
        _connectionKey = null;
        SetState(ConnectionState.Failed, error);
        CompleteCloseWaiters();
    }

    private void StopEverything()
    {
        DisposeTransport();
        _connectTimer.Cancel();
        _retryTimer.Cancel();
        _suspendTimer.Cancel();
        _idleTimer.Cancel();
        _closeTimer.Cancel();
        _disconnectedSince = null;
        _retryCount = 0;
    }

    private void CompleteCloseWaiters()
    {
        var waiters = _closeWaiters.ToArray();
        _closeWaiters.Clear();
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(true);
        }
    }

    /// <summary>Auth waiters fault when the connection can no longer complete a re-authentication.</summary>
    private void OnStateChangedForWaiters(ConnectionStateChange change)
    {
        OnStateChangedForPings(change);
        if (change.Current is ConnectionState.Failed or ConnectionState.Suspended or ConnectionState.Closed)
        {
            CompleteAuthWaiters(change.Reason ?? StateError(change.Current));
        }
    }

    /// <summary>
    /// Disposal: a best-effort CLOSE (no wait for CLOSED), every pending operation failed, CLOSED published, then every
    /// stream completed. Runs on this thread when the loop is idle, so it never needs the scheduler to advance.
    /// </summary>
    public Task DisposeAsync()
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_turns.IsStopped)
        {
            return Task.CompletedTask;
        }

        RunOnLoop(() =>
        {
            if (_state == ConnectionState.Connected)
            {
                SendFrame(new ProtocolMessage(ProtocolAction.Close));
            }

            if (_state is not (ConnectionState.Failed or ConnectionState.Closed))
            {
                EnterClosed();
            }

            CompleteAuthWaiters(new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."));
            _turns.Stop();
            _lifetime.Cancel();
            using (DeliveryGuard.Enter())
            {
                lock (_publishGate)
                {
                    _stateChanges.Complete();
                }
            }

            done.TrySetResult(true);
        });

        return DisposeAfter(done.Task);
    }

    private async Task DisposeAfter(Task closed)
    {
        await closed.ConfigureAwait(false);
        _lifetime.Dispose();
    }
}
