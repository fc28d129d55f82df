using System.Diagnostics;
using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>Attach, its timeout and the RTL13 retry (RTL4, RTL13); detach is in RealtimeChannel.Detach.cs.</summary>
public sealed partial class RealtimeChannel
{
    private readonly ChannelTimer _attachTimer;
    private readonly ChannelTimer _detachTimer;
    private readonly ChannelTimer _retryTimer;
    private readonly List<TaskCompletionSource<bool>> _attachWaiters = new();
    private readonly List<TaskCompletionSource<bool>> _detachWaiters = new();

    // Loop-only.
    private bool _attachAfterDetach;
    private bool _detachAfterAttach;
    private ChannelState _stateBeforeDetach;
    private int _retryCount;
    private Activity? _attachActivity;
    private bool _attachTurnQueued;

    /// <summary>
    /// Attaches the channel (RTL4) and completes on ATTACHED. Completes at once when attached; joins a pending attach
    /// (RTL4h); after a pending detach, waits for it and then attaches (RTL4h). While the connection is connecting or
    /// disconnected the ATTACH is sent once it connects (RTL4i). Requested params and modes are sent (RTL4k, RTL4l).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the attach itself goes on.</param>
    /// <exception cref="AblyException">
    /// 90007 when no ATTACHED arrives within realtimeRequestTimeout (the channel goes SUSPENDED and retries, RTL4f);
    /// the server's error (for example 40160) when the channel fails (RTL14); 80017/80002/80000 when the connection is
    /// closed, suspended or failed (RTL4b); 90001 after release.
    /// </exception>
    public Task AttachAsync(CancellationToken cancellationToken = default)
    {
        if (Unusable() is { } refusal)
        {
            return Task.FromException(refusal);
        }

        var waiter = NewWaiter();
        if (!_loop.Execute(() => BeginAttach(waiter)))
        {
            waiter.TrySetException(new AblyException(DisposedError()));
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts an attach in the background (implicit attach, RTL7g); its outcome is visible as state changes.</summary>
    private void AttachInBackground() => _loop.Execute(() => BeginAttach(null));

    private void BeginAttach(TaskCompletionSource<bool>? waiter)
    {
        if (_released)
        {
            waiter?.TrySetException(new AblyException(ReleasedError()));
            return;
        }

        switch (_state)
        {
            case ChannelState.Attached:
                waiter?.TrySetResult(true);
                return;
            case ChannelState.Attaching:
                // RTL4h: join the pending attach. A pending detach-after-attach is cancelled by a new attach.
                Add(_attachWaiters, waiter);
                _detachAfterAttach = false;
                return;
            case ChannelState.Detaching:
                // RTL4h: wait for the detach, then attach.
                Add(_attachWaiters, waiter);
                _attachAfterDetach = true;
                return;
        }

        // RTL4b: no attach on a closing, closed, suspended or failed connection.
        if (ConnectionRefusal(_loop.State) is { } refusal)
        {
            waiter?.TrySetException(new AblyException(refusal));
            return;
        }

        Add(_attachWaiters, waiter);
        StartAttach(null);
    }

    /// <summary>Enters ATTACHING (if not already) and sends ATTACH when connected. RTL4g: from FAILED this clears the reason.</summary>
    private void StartAttach(ErrorInfo? reason)
    {
        _retryTimer.Cancel();
        _attachAfterDetach = false;
        if (_state == ChannelState.Failed)
        {
            _errorReason = null;
        }

        if (_attachActivity is null)
        {
            var current = Activity.Current;
            _attachActivity = ReliablyRxDiagnostics.ActivitySource.StartActivity("attach", ActivityKind.Client);
            _attachActivity?.SetTag("channel", Name);

            // The activity spans loop turns; it must not become the parent of unrelated work on the loop thread.
            Activity.Current = current;
        }

        SetState(ChannelState.Attaching, reason);
        SendAttach();
    }

    /// <summary>
    /// Asks the connection for a turn to send ATTACH: at once when CONNECTED and nothing waits ahead of it, otherwise in
    /// the connection-wide queue in the order the application asked (RTL4i): an implicit attach requested before a
    /// publish reaches the server before it, so the subscriber receives its own message.
    /// </summary>
    private void SendAttach()
    {
        if (_attachTurnQueued || _loop.State is not (ConnectionState.Connected or ConnectionState.Connecting or ConnectionState.Disconnected or ConnectionState.Initialized))
        {
            return;
        }

        _attachTurnQueued = true;
        _loop.SendInTurn(this);
    }

    /// <inheritdoc />
    void IConnectedTurn.OnTurn(bool connected)
    {
        _attachTurnQueued = false;
        if (!connected || _released || _state != ChannelState.Attaching)
        {
            // The queue was discarded (the channel re-asks on the next CONNECTED, RTL3d), or the attach was superseded.
            return;
        }

        // RTL4c1, RTL4k, RTL4l: channelSerial, params and modes; the RTL4f timer.
        var options = Options;
        var message = new ProtocolMessage(ProtocolAction.Attach, Name)
        {
            ChannelSerial = _position.ChannelSerial,
            Params = options.Params is { Count: > 0 } p ? p : null,
            Flags = options.Modes == ChannelModes.None ? null : (ProtocolFlags)(int)options.Modes,
        };
        _loop.TrySendNow(message);
        _attachTimer.Start(_loop.Options.RealtimeRequestTimeout, OnAttachTimeout);
    }

    private void OnAttachTimeout()
    {
        if (_state != ChannelState.Attaching)
        {
            return;
        }

        // RTL4f: no ATTACHED in time: SUSPENDED, then the RTL13b retry.
        var error = new ErrorInfo(ErrorCodes.ChannelOperationTimeout, 408, $"Channel attach timed out after {_loop.Options.RealtimeRequestTimeout.TotalMilliseconds} ms (RTL4f).");
        EnterSuspended(error, retry: true);
    }

    /// <summary>SUSPENDED: pending attaches fail; with <paramref name="retry"/> a re-attach is scheduled (RTL13b).</summary>
    private void EnterSuspended(ErrorInfo? reason, bool retry)
    {
        _attachTimer.Cancel();
        SetState(ChannelState.Suspended, reason);
        EndAttachActivity(reason);
        FailWaiters(_attachWaiters, reason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, "Channel suspended."));
        if (_detachAfterAttach)
        {
            // RTL5i then RTL5j: the pending detach completes from SUSPENDED.
            _detachAfterAttach = false;
            SetState(ChannelState.Detached, null);
            CompleteWaiters(_detachWaiters);
            return;
        }

        if (retry)
        {
            ScheduleRetry();
        }
    }

    /// <summary>RTL13b: channelRetryTimeout × RTB1 backoff min((n+2)/3, 2) × jitter in [0.8, 1]; only while CONNECTED.</summary>
    private void ScheduleRetry()
    {
        _retryCount++;
        var delay = RetryBackoff.Delay(_loop.Options.ChannelRetryTimeout, _retryCount, _loop.Random);
        _retryTimer.Start(delay, () =>
        {
            if (_state == ChannelState.Suspended && _loop.State == ConnectionState.Connected)
            {
                StartAttach(null);
            }
        });
    }

    private void ReattachForOptions(TaskCompletionSource<bool> done)
    {
        if (_state is not (ChannelState.Attached or ChannelState.Attaching))
        {
            done.TrySetResult(true);
            return;
        }

        // RTL16a: new params or modes take effect through a new ATTACH.
        _attachWaiters.Add(done);
        if (_state == ChannelState.Attaching)
        {
            SendAttach();
        }
        else
        {
            StartAttach(null);
        }
    }

    private void EndAttachActivity(ErrorInfo? error)
    {
        if (_attachActivity is { } activity)
        {
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            activity.Stop();
            _attachActivity = null;
        }
    }

    private static ErrorInfo? ConnectionRefusal(ConnectionState state) => state switch
    {
        ConnectionState.Closing or ConnectionState.Closed => new ErrorInfo(ErrorCodes.ConnectionClosed, 400, $"Connection is {state}; cannot attach or detach (RTL4b)."),
        ConnectionState.Suspended => new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "Connection is suspended; cannot attach (RTL4b)."),
        ConnectionState.Failed => new ErrorInfo(ErrorCodes.ConnectionFailed, 400, "Connection failed; cannot attach or detach (RTL4b)."),
        _ => null,
    };

    private static void Add(List<TaskCompletionSource<bool>> waiters, TaskCompletionSource<bool>? waiter)
    {
        if (waiter is not null)
        {
            waiters.Add(waiter);
        }
    }

    private static void CompleteWaiters(List<TaskCompletionSource<bool>> waiters)
    {
        var all = waiters.ToArray();
        waiters.Clear();
        foreach (var waiter in all)
        {
            waiter.TrySetResult(true);
        }
    }

    private static void FailWaiters(List<TaskCompletionSource<bool>> waiters, ErrorInfo error)
    {
        var all = waiters.ToArray();
        waiters.Clear();
        foreach (var waiter in all)
        {
            waiter.TrySetException(new AblyException(error));
        }
    }
}
