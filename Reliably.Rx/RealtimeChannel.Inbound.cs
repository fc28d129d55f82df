using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>Frames from the loop and the effects of connection state (RTL3, RTL5k, RTL12, RTL13, RTL14, RTL15b).</summary>
public sealed partial class RealtimeChannel
{
    // Loop-only: why the last CONNECTED did not resume (the failed-resume error, RTN15c7), for the discontinuity it causes.
    private ErrorInfo? _connectionResumeError;

    /// <inheritdoc />
    void IChannelSink.OnFrame(ProtocolMessage message)
    {
        if (_released)
        {
            return;
        }

        switch (message.Action)
        {
            case ProtocolAction.Attached:
                OnAttachedFrame(message);
                break;
            case ProtocolAction.Detached:
                OnDetachedFrame(message);
                break;
            case ProtocolAction.Error:
                OnChannelError(ErrorInfo.FromServer(message.Error, ErrorCodes.ChannelOperationFailed, 400, "Channel error"));
                break;
            case ProtocolAction.Message:
                OnMessageFrame(message);
                break;
            case ProtocolAction.Presence:
                _position.Store(message);
                PresenceHandler?.OnPresenceFrame(message);
                break;
            case ProtocolAction.Sync:
                // A SYNC's channelSerial is the sync cursor (RTP18), not a channel position.
                PresenceHandler?.OnPresenceFrame(message);
                break;
            case ProtocolAction.Annotation:
                _position.Store(message);
                OnAnnotationFrame(message);
                break;
            case ProtocolAction.Object:
                _position.Store(message);
                break;
        }
    }

    private void OnAttachedFrame(ProtocolMessage message)
    {
        var resumed = message.HasFlag(ProtocolFlags.Resumed);
        var hasBacklog = message.HasFlag(ProtocolFlags.HasBacklog);
        switch (_state)
        {
            case ChannelState.Attaching:
            {
                _attachTimer.Cancel();
                _retryCount = 0;
                _position.ApplyAttached(message);

                // A non-resumed ATTACHED after the channel had been attached means messages may have been missed.
                var discontinuity = _backfiller.Continuity && !resumed;
                if (!_backfiller.Continuity)
                {
                    _backfiller.BeginContinuity();
                }

                var reason = message.Error ?? (discontinuity ? _connectionResumeError : null);
                SetState(ChannelState.Attached, message.Error, resumed, hasBacklog);
                EndAttachActivity(null);
                CompleteWaiters(_attachWaiters);

                // RTP17i: the channel was not attached, so its members are re-entered even if the attach resumed.
                PresenceHandler?.OnAttached(message, reenter: true);
                if (discontinuity)
                {
                    _backfiller.OnDiscontinuity(DiscontinuityKind.AttachNotResumed, reason, Options.AutoBackfill);
                }

                _backfiller.Continuity = true;
                _connectionResumeError = null;
                if (_detachAfterAttach)
                {
                    // RTL5i: the detach requested while attaching.
                    _detachAfterAttach = false;
                    StartDetach();
                }

                break;
            }

            case ChannelState.Attached:
                // RTL12: an extra ATTACHED. Without RESUMED it is an UPDATE and a discontinuity.
                _position.ApplyAttached(message);
                if (!resumed)
                {
                    PublishUpdate(message.Error, resumed: false, hasBacklog);
                }

                PresenceHandler?.OnAttached(message, reenter: !resumed);
                if (!resumed)
                {
                    _backfiller.OnDiscontinuity(DiscontinuityKind.Update, message.Error, Options.AutoBackfill);
                }

                break;
            case ChannelState.Detaching:
                // RTL5k: the server thinks we are attached; tell it again that we are not (the RTL5f timer runs on).
                _loop.TrySendNow(new ProtocolMessage(ProtocolAction.Detach, Name));
                break;
            case ChannelState.Detached:
                // RTL5k: the same, and DETACHING again until the server confirms (RTL5f: back to DETACHED if it never does).
                _stateBeforeDetach = ChannelState.Detached;
                SetState(ChannelState.Detaching, null);
                SendDetach();
                break;
        }
    }

    private void OnDetachedFrame(ProtocolMessage message)
    {
        switch (_state)
        {
            case ChannelState.Detaching:
                _detachTimer.Cancel();
                SetState(ChannelState.Detached, message.Error is null ? null : ErrorInfo.FromServer(message.Error, ErrorCodes.ChannelOperationFailed, 400, "Detached"));
                CompleteWaiters(_detachWaiters);
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

    /// <summary>RTL14: an ERROR for this channel: FAILED with the error.</summary>
    private void OnChannelError(ErrorInfo error)
    {
        _attachTimer.Cancel();
        _detachTimer.Cancel();
        _retryTimer.Cancel();
        _attachAfterDetach = false;
        _detachAfterAttach = false;
        SetState(ChannelState.Failed, error);
        EndAttachActivity(error);
        FailWaiters(_attachWaiters, error);
        FailWaiters(_detachWaiters, error);
    }

    /// <inheritdoc />
    void IChannelSink.OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
    {
        if (_released || change.Event == ConnectionEvent.Update)
        {
            return;
        }

        switch (change.Current)
        {
            case ConnectionState.Connected:
                OnConnected(change, resumed);
                break;
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                // RTL3e: channels are unaffected; ATTACH/DETACH are sent again (with fresh timers) on CONNECTED.
                _attachTimer.Cancel();
                _detachTimer.Cancel();
                break;
            case ConnectionState.Suspended:
                // RTL3c.
                _detachTimer.Cancel();
                _retryTimer.Cancel();
                if (_state is ChannelState.Attaching or ChannelState.Attached)
                {
                    EnterSuspended(change.Reason, retry: false);
                }
                else if (_state == ChannelState.Detaching)
                {
                    SetState(ChannelState.Detached, null);
                    CompleteWaiters(_detachWaiters);
                }

                break;
            case ConnectionState.Closed:
                // RTL3b (a pending detach is complete too: the server has discarded the attachment). Other states,
                // SUSPENDED included, are unaffected.
                if (_state is ChannelState.Attaching or ChannelState.Attached or ChannelState.Detaching)
                {
                    StopTimers();
                    _backfiller.Continuity = false;
                    SetState(ChannelState.Detached, change.Reason);
                    EndAttachActivity(null);
                    FailWaiters(_attachWaiters, ConnectionRefusal(ConnectionState.Closed)!);
                    CompleteWaiters(_detachWaiters);
                }

                break;
            case ConnectionState.Failed:
                // RTL3a (and a pending detach fails with it). Other states, SUSPENDED included, are unaffected.
                if (_state is ChannelState.Attaching or ChannelState.Attached or ChannelState.Detaching)
                {
                    var reason = change.Reason ?? ConnectionRefusal(ConnectionState.Failed)!;
                    StopTimers();
                    SetState(ChannelState.Failed, reason);
                    EndAttachActivity(reason);
                    FailWaiters(_attachWaiters, reason);
                    FailWaiters(_detachWaiters, reason);
                }

                break;
        }
    }

    private void OnConnected(ConnectionStateChange change, bool resumed)
    {
        if (!resumed)
        {
            // RTN15c7: a failed resume; the re-attach below tells per channel whether continuity survived.
            _connectionResumeError = change.Reason;
        }

        switch (_state)
        {
            case ChannelState.Attached:
            case ChannelState.Suspended:
                // RTL3d, RTN15c6/c7: re-attach with the stored channelSerial (RTL4c1).
                StartAttach(null);
                break;
            case ChannelState.Attaching:
                SendAttach();
                break;
            case ChannelState.Detaching:
                // The DETACH may have been lost with the transport (RTL3e leaves the channel DETACHING): send it again
                // (RTL5d) with a fresh RTL5f timer.
                SendDetach();
                break;
        }
    }

    private void StopTimers()
    {
        _attachTimer.Cancel();
        _detachTimer.Cancel();
        _retryTimer.Cancel();
        _attachAfterDetach = false;
        _detachAfterAttach = false;
    }
}
