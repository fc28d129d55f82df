namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// The channel state machine as the features spec states it, for a connection that stays CONNECTED (or resumes at
/// once), with one pending timer at a time and virtual time as a number. Retries use RTB1 with the jitter pinned to 1.
/// It counts the ATTACH and DETACH frames the channel must send.
/// </summary>
/// <remarks>
/// Where the spec leaves a choice, the model states the library's: an attach while a detach is pending (or the reverse)
/// is queued behind it (RTL4h, RTL5i) and the latest request wins, so an attach cancels a queued detach and a detach a
/// queued attach; the RTB1 retry count restarts when the channel attaches; a transport resumed while DETACHING sends
/// the DETACH again; an ATTACHED while INITIALIZED, SUSPENDED or FAILED changes nothing.
/// </remarks>
internal sealed class ChannelModel
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ChannelRetryTimeout = TimeSpan.FromSeconds(15);

    private ChannelState _state = ChannelState.Initialized;
    private ChannelState _beforeDetach;
    private TimeSpan _now;
    private TimeSpan? _timerAt;
    private int _retries;
    private int _attaches;
    private int _detaches;
    private bool _pendingDetach;
    private bool _pendingAttach;

    /// <summary>RTL4.</summary>
    public void Attach()
    {
        switch (_state)
        {
            case ChannelState.Attached:
                return; // RTL4a
            case ChannelState.Attaching:
                _pendingDetach = false; // RTL4h: this call joins the attach in flight, and supersedes a queued detach
                return;
            case ChannelState.Detaching:
                _pendingAttach = true; // RTL4h: after the detach completes
                return;
            default:
                StartAttach(); // RTL4g (from FAILED), RTL4c: ATTACHING and an ATTACH
                return;
        }
    }

    /// <summary>RTL5.</summary>
    public void Detach()
    {
        switch (_state)
        {
            case ChannelState.Initialized:
            case ChannelState.Detached:
                return; // RTL5a
            case ChannelState.Attaching:
                _pendingDetach = true; // RTL5i: after the attach completes
                return;
            case ChannelState.Detaching:
                _pendingAttach = false; // RTL5i: joins the detach in flight, and supersedes a queued attach
                return;
            case ChannelState.Failed:
                return; // RTL5b: an error, no change
            case ChannelState.Suspended:
                Enter(ChannelState.Detached, null); // RTL5j: at once, without a DETACH
                return;
            default:
                StartDetach(); // RTL5d
                return;
        }
    }

    public void ServerAttached()
    {
        switch (_state)
        {
            case ChannelState.Attaching:
                _retries = 0;
                Enter(ChannelState.Attached, null); // RTL4c
                if (_pendingDetach)
                {
                    _pendingDetach = false;
                    StartDetach(); // RTL5i: the detach that waited for the attach
                }

                return;
            case ChannelState.Detaching:
                _detaches++; // RTL5k: a new DETACH, and the channel stays DETACHING
                return;
            case ChannelState.Detached:
                StartDetach(); // RTL5k: a new DETACH, and DETACHING again
                return;
            default:
                return; // RTL12: while ATTACHED an UPDATE at most, the state is unchanged
        }
    }

    public void ServerDetached()
    {
        switch (_state)
        {
            case ChannelState.Attached:
            case ChannelState.Suspended:
                StartAttach(); // RTL13a: re-attach at once
                return;
            case ChannelState.Attaching:
                Suspend(); // RTL13b
                return;
            case ChannelState.Detaching:
                Enter(ChannelState.Detached, null); // RTL5d: the answer to the DETACH
                if (_pendingAttach)
                {
                    _pendingAttach = false;
                    StartAttach(); // RTL4h
                }

                return;
            default:
                return;
        }
    }

    /// <summary>RTL14: a channel ERROR fails the channel, whatever its state.</summary>
    public void ServerError()
    {
        _pendingAttach = _pendingDetach = false;
        Enter(ChannelState.Failed, null);
    }

    /// <summary>RTN15c6 then RTL3d: after a resume, ATTACHING, ATTACHED and SUSPENDED channels attach again.</summary>
    public void Resumed()
    {
        switch (_state)
        {
            case ChannelState.Attaching:
            case ChannelState.Attached:
            case ChannelState.Suspended:
                StartAttach();
                return;
            case ChannelState.Detaching:
                _detaches++; // the DETACH again, with a fresh RTL5f timer
                _timerAt = _now + RequestTimeout;
                return;
        }
    }

    public void Advance(TimeSpan by)
    {
        var until = _now + by;
        while (_timerAt is { } at && at <= until)
        {
            _now = at;
            _timerAt = null;
            switch (_state)
            {
                case ChannelState.Attaching:
                    Suspend(); // RTL4f
                    break;
                case ChannelState.Detaching:
                    Enter(_beforeDetach, null); // RTL5f: back to the previous state
                    if (_pendingAttach)
                    {
                        _pendingAttach = false;
                        Attach(); // RTL4h: the attach that waited (nothing to do if ATTACHED again, RTL4a)
                    }

                    break;
                case ChannelState.Suspended:
                    StartAttach(); // RTL13b: the retry
                    break;
            }
        }

        _now = until;
    }

    private void StartAttach()
    {
        _attaches++;
        Enter(ChannelState.Attaching, _now + RequestTimeout);
    }

    private void StartDetach()
    {
        _detaches++;
        _beforeDetach = _state;
        Enter(ChannelState.Detaching, _now + RequestTimeout);
    }

    /// <summary>RTL13b: SUSPENDED, and a retry after channelRetryTimeout × the RTB1 backoff min((n+2)/3, 2).</summary>
    private void Suspend()
    {
        if (_pendingDetach)
        {
            // RTL5i then RTL5j: the detach that waited completes from SUSPENDED.
            _pendingDetach = false;
            Enter(ChannelState.Detached, null);
            return;
        }

        _retries++;
        var backoff = Math.Min((_retries + 2) / 3.0, 2.0);
        Enter(ChannelState.Suspended, _now + TimeSpan.FromTicks((long)(ChannelRetryTimeout.Ticks * backoff)));
    }

    private void Enter(ChannelState state, TimeSpan? timerAt)
    {
        _state = state;
        _timerAt = timerAt;
    }

    public string Describe() => $"{_state} attaches={_attaches} detaches={_detaches}";
}
