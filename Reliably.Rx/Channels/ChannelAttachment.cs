using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Channels;

/// <summary>
/// A channel's attach state machine: attach and detach with their timeouts (RTL4, RTL5), the RTL13 retry, the ATTACHED,
/// DETACHED and ERROR frames (RTL12, RTL13a, RTL14) and the effects of the connection's state (RTL3). Owned by the
/// channel and driven only on the loop; the loop's scheduler is its only clock.
/// </summary>
internal sealed class ChannelAttachment
{
    private readonly ConnectionLoop _loop;
    private readonly string _name;
    private readonly IChannelHost _host;
    private readonly ChannelStateTracker _status;
    private readonly ChannelPosition _position;
    private readonly ChannelBackfiller _backfiller;
    private readonly ChannelDetach _detach;
    private readonly AttachRequest _request;
    private readonly Waiters _attachWaiters = new();

    // Loop-only. The trace and the retry are created when needed: an attached, idle channel holds neither.
    private bool _attachAfterDetach;
    private AttachTrace? _trace;
    private AttachRetry? _retry;

    // Why the last CONNECTED did not resume (the failed-resume error, RTN15c7), for the discontinuity it causes.
    private ErrorInfo? _connectionResumeError;

    public ChannelAttachment(ConnectionLoop loop, string name, IChannelHost host, ChannelStateTracker status, ChannelPosition position, ChannelBackfiller backfiller)
    {
        _loop = loop;
        _name = name;
        _host = host;
        _status = status;
        _position = position;
        _backfiller = backfiller;
        _detach = new ChannelDetach(loop, name, status, backfiller, OnDetachTimedOut);
        _request = new AttachRequest(loop, name, host, status, position, error => EnterSuspended(error, retry: true));
    }

    private ChannelState State => _status.State;

    /// <summary>Attaches (RTL4); <paramref name="waiter"/> completes on ATTACHED. Null for an implicit attach (RTL7g).</summary>
    public void BeginAttach(TaskCompletionSource<bool>? waiter)
    {
        if (_host.IsReleased)
        {
            waiter?.TrySetException(new AblyException(ChannelErrors.Released(_name)));
            return;
        }

        switch (State)
        {
            case ChannelState.Attached:
                waiter?.TrySetResult(true);
                return;
            case ChannelState.Attaching:
                // RTL4h: join the pending attach. A pending detach-after-attach is cancelled by a new attach.
                _attachWaiters.Add(waiter);
                _detach.AfterAttach = false;
                return;
            case ChannelState.Detaching:
                // RTL4h: wait for the detach, then attach.
                _attachWaiters.Add(waiter);
                _attachAfterDetach = true;
                return;
        }

        // RTL4b: no attach on a closing, closed, suspended or failed connection.
        if (ChannelErrors.ConnectionRefusal(_loop.State) is { } refusal)
        {
            waiter?.TrySetException(new AblyException(refusal));
            return;
        }

        _attachWaiters.Add(waiter);
        StartAttach(null);
    }

    /// <summary>Enters ATTACHING (if not already) and sends ATTACH when connected. RTL4g: from FAILED this clears the reason.</summary>
    public void StartAttach(ErrorInfo? reason)
    {
        _retry?.Cancel();
        _attachAfterDetach = false;
        if (State == ChannelState.Failed)
        {
            _status.ClearReason();
        }

        (_trace ??= new AttachTrace(_name)).Start();
        _status.Set(ChannelState.Attaching, reason);
        _request.Send();
    }

    /// <summary>RTL16a: new params or modes take effect through a new ATTACH; <paramref name="done"/> completes on ATTACHED.</summary>
    public void Reattach(TaskCompletionSource<bool> done)
    {
        if (State is not (ChannelState.Attached or ChannelState.Attaching))
        {
            done.TrySetResult(true);
            return;
        }

        _attachWaiters.Add(done);
        if (State == ChannelState.Attaching)
        {
            _request.Send();
        }
        else
        {
            StartAttach(null);
        }
    }

    /// <summary>Detaches (RTL5); <paramref name="waiter"/> completes on DETACHED.</summary>
    public void BeginDetach(TaskCompletionSource<bool> waiter)
    {
        switch (State)
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
                _retry?.Cancel();
                _backfiller.Continuity = false;
                _status.Set(ChannelState.Detached, null);
                waiter.TrySetResult(true);
                return;
            case ChannelState.Detaching:
                _detach.Waiters.Add(waiter);
                _attachAfterDetach = false;
                return;
            case ChannelState.Attaching when _loop.State != ConnectionState.Connected:
                // RTL5l: no connection to tell: DETACHED at once; the attach it supersedes fails.
                _request.CancelTimer();
                _backfiller.Continuity = false;
                _status.Set(ChannelState.Detached, null);
                AttachTrace.End(ref _trace, null);
                _attachWaiters.Fail(new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, "The attach was superseded by a detach (RTL5l)."));
                waiter.TrySetResult(true);
                return;
            case ChannelState.Attaching:
                // RTL5i: detach once the pending attach completes.
                _detach.Waiters.Add(waiter);
                _detach.AfterAttach = true;
                return;
        }

        // ATTACHED: RTL5d when connected, otherwise RTL5l (ChannelDetach.Start).
        _detach.Waiters.Add(waiter);
        _detach.Start();
    }

    /// <summary>An ATTACHED frame (RTL4, RTL12, RTL5k).</summary>
    public void OnAttached(ProtocolMessage message)
    {
        var resumed = message.HasFlag(ProtocolFlags.Resumed);
        var hasBacklog = message.HasFlag(ProtocolFlags.HasBacklog);
        switch (State)
        {
            case ChannelState.Attaching:
            {
                _request.CancelTimer();
                _retry?.Reset();
                _position.ApplyAttached(message);

                // A non-resumed ATTACHED after the channel had been attached means messages may have been missed.
                var discontinuity = _backfiller.Continuity && !resumed;
                if (!_backfiller.Continuity)
                {
                    _backfiller.BeginContinuity();
                }

                var reason = message.Error ?? (discontinuity ? _connectionResumeError : null);
                _status.Set(ChannelState.Attached, message.Error, resumed, hasBacklog);
                AttachTrace.End(ref _trace, null);
                _attachWaiters.Complete();

                // RTP17i: the channel was not attached, so its members are re-entered even if the attach resumed.
                _status.PresenceHandler?.OnAttached(message, reenter: true);
                if (discontinuity)
                {
                    _backfiller.OnDiscontinuity(DiscontinuityKind.AttachNotResumed, reason, _host.Options.AutoBackfill);
                }

                _backfiller.Continuity = true;
                _connectionResumeError = null;
                if (_detach.AfterAttach)
                {
                    // RTL5i: the detach requested while attaching.
                    _detach.AfterAttach = false;
                    _detach.Start();
                }

                break;
            }

            case ChannelState.Attached:
                // RTL12: an extra ATTACHED. Without RESUMED it is an UPDATE and a discontinuity.
                _position.ApplyAttached(message);
                if (!resumed)
                {
                    _status.Update(message.Error, resumed: false, hasBacklog);
                }

                _status.PresenceHandler?.OnAttached(message, reenter: !resumed);
                if (!resumed)
                {
                    _backfiller.OnDiscontinuity(DiscontinuityKind.Update, message.Error, _host.Options.AutoBackfill);
                }

                break;
            case ChannelState.Detaching:
            case ChannelState.Detached:
                _detach.OnUnexpectedAttached();
                break;
        }
    }

    /// <summary>A DETACHED frame (RTL5, RTL13).</summary>
    public void OnDetached(ProtocolMessage message)
    {
        switch (State)
        {
            case ChannelState.Detaching:
                _detach.Finish(message.Error is null ? null : ErrorInfo.FromServer(message.Error, ErrorCodes.ChannelOperationFailed, 400, "Detached"));
                if (_attachAfterDetach)
                {
                    // RTL4h: the attach requested while detaching.
                    StartAttach(null);
                }

                break;
            case ChannelState.Attached:
            case ChannelState.Suspended:
                // RTL13a: an unsolicited DETACHED: re-attach at once, with the error as the reason.
                StartAttach(ErrorInfo.FromServer(message.Error, ErrorCodes.ChannelOperationFailed, 400, "Detached by the server"));
                break;
            case ChannelState.Attaching:
                // RTL13b: the (re-)attach failed: SUSPENDED, retried after channelRetryTimeout.
                EnterSuspended(ErrorInfo.FromServer(message.Error, ErrorCodes.ChannelOperationFailed, 400, "Detached by the server while attaching"), retry: true);
                break;
        }
    }

    /// <summary>RTL14: an ERROR for this channel, or an error that leaves it unusable: FAILED with the error.</summary>
    public void Fail(ErrorInfo error)
    {
        StopTimers();
        _status.Set(ChannelState.Failed, error);
        AttachTrace.End(ref _trace, error);
        _attachWaiters.Fail(error);
        _detach.Waiters.Fail(error);
    }

    /// <summary>RTL3: the effects of the connection's state (UPDATEs excluded).</summary>
    public void OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
    {
        switch (change.Current)
        {
            case ConnectionState.Connected:
                OnConnected(change, resumed);
                break;
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                // RTL3e: channels are unaffected; ATTACH/DETACH are sent again (with fresh timers) on CONNECTED.
                _request.CancelTimer();
                _detach.CancelTimer();
                break;
            case ConnectionState.Suspended:
                // RTL3c.
                _detach.CancelTimer();
                _retry?.Cancel();
                if (State is ChannelState.Attaching or ChannelState.Attached)
                {
                    EnterSuspended(change.Reason, retry: false);
                }
                else if (State == ChannelState.Detaching)
                {
                    _detach.Finish(null);
                }

                break;
            case ConnectionState.Closed:
                // RTL3b (a pending detach is complete too: the server has discarded the attachment). Other states,
                // SUSPENDED included, are unaffected.
                if (State is ChannelState.Attaching or ChannelState.Attached or ChannelState.Detaching)
                {
                    StopTimers();
                    _backfiller.Continuity = false;
                    _status.Set(ChannelState.Detached, change.Reason);
                    AttachTrace.End(ref _trace, null);
                    _attachWaiters.Fail(ChannelErrors.ConnectionRefusal(ConnectionState.Closed)!);
                    _detach.Waiters.Complete();
                }

                break;
            case ConnectionState.Failed:
                // RTL3a (and a pending detach fails with it). Other states, SUSPENDED included, are unaffected.
                if (State is ChannelState.Attaching or ChannelState.Attached or ChannelState.Detaching)
                {
                    Fail(change.Reason ?? ChannelErrors.ConnectionRefusal(ConnectionState.Failed)!);
                }

                break;
        }
    }

    /// <summary>The channel is released or its client disposed: timers stop and every waiter fails with <paramref name="error"/>.</summary>
    public void Complete(ErrorInfo error)
    {
        StopTimers();
        _attachWaiters.Fail(error);
        _detach.Waiters.Fail(error);
    }

    private void OnConnected(ConnectionStateChange change, bool resumed)
    {
        if (!resumed)
        {
            // RTN15c7: a failed resume; the re-attach below tells per channel whether continuity survived.
            _connectionResumeError = change.Reason;
        }

        switch (State)
        {
            case ChannelState.Attached:
            case ChannelState.Suspended:
                // RTL3d, RTN15c6/c7: re-attach with the stored channelSerial (RTL4c1).
                StartAttach(null);
                break;
            case ChannelState.Attaching:
                _request.Send();
                break;
            case ChannelState.Detaching:
                // The DETACH may have been lost with the transport (RTL3e leaves the channel DETACHING): send it again
                // (RTL5d) with a fresh RTL5f timer.
                _detach.Send();
                break;
        }
    }

    /// <summary>SUSPENDED: pending attaches fail; with <paramref name="retry"/> a re-attach is scheduled (RTL13b).</summary>
    private void EnterSuspended(ErrorInfo? reason, bool retry)
    {
        _request.CancelTimer();
        _status.Set(ChannelState.Suspended, reason);
        AttachTrace.End(ref _trace, reason);
        _attachWaiters.Fail(reason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, "Channel suspended."));
        if (_detach.AfterAttach)
        {
            // RTL5i then RTL5j: the pending detach completes from SUSPENDED.
            _detach.AfterAttach = false;
            _detach.Finish(null);
            return;
        }

        if (retry)
        {
            (_retry ??= new AttachRetry(_loop, _status, () => StartAttach(null))).Schedule();
        }
    }

    /// <summary>RTL5f, then RTL4h: an attach requested while the detach was pending goes on from the restored state.</summary>
    private void OnDetachTimedOut()
    {
        if (_attachAfterDetach)
        {
            _attachAfterDetach = false;
            if (State == ChannelState.Attached)
            {
                _attachWaiters.Complete();
            }
            else
            {
                StartAttach(null);
            }
        }
    }

    private void StopTimers()
    {
        _request.CancelTimer();
        _detach.CancelTimer();
        _retry?.Cancel();
        _attachAfterDetach = false;
        _detach.AfterAttach = false;
    }
}
