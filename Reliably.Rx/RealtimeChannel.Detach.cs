using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>Detach and its timeout (RTL5).</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>
    /// Detaches the channel (RTL5) and completes on DETACHED. Completes at once when detached or never attached
    /// (RTL5a); a SUSPENDED channel goes DETACHED at once (RTL5j); a pending attach completes first (RTL5i). Detaching
    /// ends continuity tracking: the next attach is a fresh start, not a discontinuity.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the detach itself goes on.</param>
    /// <exception cref="AblyException">
    /// 90007 when no DETACHED arrives within realtimeRequestTimeout (the channel returns to its previous state, RTL5f);
    /// 90001 on a FAILED channel (RTL5b) or after release. When the connection is not CONNECTED the channel goes DETACHED at
    /// once (RTL5l).
    /// </exception>
    public Task DetachAsync(CancellationToken cancellationToken = default)
    {
        if (Unusable() is { } refusal)
        {
            return Task.FromException(refusal);
        }

        var waiter = NewWaiter();
        if (!_loop.Execute(() => BeginDetach(waiter)))
        {
            waiter.TrySetException(new AblyException(DisposedError()));
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Detaches as <see cref="DetachAsync"/> does and, whatever the outcome, runs <paramref name="then"/> on the loop in
    /// the turn that settles the detach, so that a release (RTS4a) ends at a definite point of the client's scheduler
    /// (in virtual time too). False when the channel is unusable or the loop has stopped: the caller finishes at once.
    /// </summary>
    internal bool DetachThen(Action then)
    {
        if (Unusable() is not null)
        {
            return false;
        }

        // Not RunContinuationsAsynchronously: the continuation runs where the waiter is settled, which is the loop.
        var waiter = new TaskCompletionSource<bool>();
        waiter.Task.ContinueWith(static (_, state) => ((Action)state!)(), then, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return _loop.Execute(() => BeginDetach(waiter));
    }

    private void BeginDetach(TaskCompletionSource<bool> waiter)
    {
        switch (_state)
        {
            case ChannelState.Initialized:
            case ChannelState.Detached:
                // RTL5a.
                waiter.TrySetResult(true);
                return;
            case ChannelState.Failed:
                // RTL5b.
                waiter.TrySetException(new AblyException(ErrorCodes.ChannelOperationFailedInvalidState, 400, "Cannot detach a FAILED channel (RTL5b)."));
                return;
            case ChannelState.Suspended:
                // RTL5j: nothing to tell the server.
                _retryTimer.Cancel();
                _backfiller.Continuity = false;
                SetState(ChannelState.Detached, null);
                waiter.TrySetResult(true);
                return;
            case ChannelState.Detaching:
                _detachWaiters.Add(waiter);
                _attachAfterDetach = false;
                return;
            case ChannelState.Attaching when _loop.State != ConnectionState.Connected:
                // RTL5l: no connection to tell: DETACHED at once; the attach it supersedes fails.
                _attachTimer.Cancel();
                _backfiller.Continuity = false;
                SetState(ChannelState.Detached, null);
                EndAttachActivity(null);
                FailWaiters(_attachWaiters, new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, "The attach was superseded by a detach (RTL5l)."));
                waiter.TrySetResult(true);
                return;
            case ChannelState.Attaching:
                // RTL5i: detach once the pending attach completes.
                _detachWaiters.Add(waiter);
                _detachAfterAttach = true;
                return;
        }

        // ATTACHED: RTL5d when connected, otherwise RTL5l (StartDetach).
        _detachWaiters.Add(waiter);
        StartDetach();
    }

    private void StartDetach()
    {
        _backfiller.Continuity = false;
        if (_loop.State != ConnectionState.Connected)
        {
            // RTL5l: no connection to tell: the server drops this connection's attachments when it is not resumed,
            // and a resumed one is only re-attached for channels that are still attached, so detach locally.
            SetState(ChannelState.Detached, null);
            CompleteWaiters(_detachWaiters);
            return;
        }

        _stateBeforeDetach = _state;
        SetState(ChannelState.Detaching, null);
        SendDetach();
    }

    private void SendDetach()
    {
        if (_loop.TrySendNow(new ProtocolMessage(ProtocolAction.Detach, Name)))
        {
            _detachTimer.Start(_loop.Options.RealtimeRequestTimeout, OnDetachTimeout);
        }
    }

    private void OnDetachTimeout()
    {
        if (_state != ChannelState.Detaching)
        {
            return;
        }

        // RTL5f: no DETACHED in time: back to the previous state.
        var error = new ErrorInfo(ErrorCodes.ChannelOperationTimeout, 408, $"Channel detach timed out after {_loop.Options.RealtimeRequestTimeout.TotalMilliseconds} ms (RTL5f).");
        SetState(_stateBeforeDetach, error);
        FailWaiters(_detachWaiters, error);
        if (_attachAfterDetach)
        {
            _attachAfterDetach = false;
            if (_state == ChannelState.Attached)
            {
                CompleteWaiters(_attachWaiters);
            }
            else
            {
                StartAttach(null);
            }
        }
    }
}
