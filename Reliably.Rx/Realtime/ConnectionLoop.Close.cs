using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>Close (RTN12), FAILED (RTN14g, RTN15j) and disposal.</summary>
internal sealed partial class ConnectionLoop
{
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
                _transport.Write(new ProtocolMessage(ProtocolAction.Close));
            }

            if (_state is not (ConnectionState.Failed or ConnectionState.Closed))
            {
                EnterClosed();
            }

            _auth.Complete(ConnectionErrors.Disposed);
            _turns.Stop();
            _lifetime.Cancel();
            _status.Complete();
            done.TrySetResult(true);
        });

        return DisposeAfter(done.Task);
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
                _close.Await(done);
                EnterClosed();
                return;
            case ConnectionState.Closing:
                _close.Await(done);
                return;
            case ConnectionState.Connecting:
                // RTN12f: CLOSING now; CLOSE goes out if CONNECTED arrives, the attempt's failure means CLOSED.
                _close.Await(done);
                SetState(ConnectionState.Closing, null);
                _close.StartTimer(_options.RealtimeRequestTimeout, EnterClosed);
                return;
            case ConnectionState.Connected:
                // RTN12a, RTN12b: CLOSE, then CLOSED from the server or after realtimeRequestTimeout.
                _close.Await(done);
                _idle.Stop();
                _transport.Write(new ProtocolMessage(ProtocolAction.Close));
                SetState(ConnectionState.Closing, null);
                _close.StartTimer(_options.RealtimeRequestTimeout, EnterClosed);
                return;
        }
    }

    private void EnterClosed()
    {
        _telemetry.Ended(new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "Closed before the connection attempt completed."));
        if (_state == ConnectionState.Closed)
        {
            return;
        }

        StopEverything();
        _publish.FailAll(new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "Connection closed."));

        // RTN12a: the connection's state is discarded by the server; it cannot be resumed.
        _session.Forget();
        SetState(ConnectionState.Closed, null);
        _close.Complete();
    }

    /// <summary>FAILED with <paramref name="error"/>: fatal, no retries (RTN14g, RTN15j).</summary>
    private void Fail(ErrorInfo error)
    {
        _telemetry.Ended(error);
        if (_state == ConnectionState.Failed)
        {
            return;
        }

        StopEverything();
        _publish.FailAll(error);
        _session.Forget();
        SetState(ConnectionState.Failed, error);
        _close.Complete();
    }

    private void StopEverything()
    {
        _transport.Close();
        _attempts.Stop();
        _idle.Stop();
        _close.CancelTimer();
    }

    private async Task DisposeAfter(Task closed)
    {
        await closed.ConfigureAwait(false);
        _lifetime.Dispose();
    }
}
