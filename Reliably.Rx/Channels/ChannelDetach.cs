using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Channels;

/// <summary>
/// The detach half of a channel's attach state machine (RTL5): DETACHING, the DETACH frame, its RTL5f timeout, and the
/// callers waiting for DETACHED. <see cref="ChannelAttachment"/> owns it and decides when to detach; loop only.
/// </summary>
internal sealed class ChannelDetach
{
    private readonly ConnectionLoop _loop;
    private readonly string _name;
    private readonly ChannelStateTracker _status;
    private readonly ChannelBackfiller _backfiller;
    private readonly Action _timedOut;

    // Created when first started: most channels never time out an attach or detach, or retry one (docs/benchmarks.md).
    private ChannelTimer? _timer;

    // Loop-only.
    private ChannelState _stateBefore;

    /// <param name="loop">The client's loop.</param>
    /// <param name="name">The channel name.</param>
    /// <param name="status">The channel's state.</param>
    /// <param name="backfiller">Whose continuity a detach ends.</param>
    /// <param name="timedOut">Called after an RTL5f timeout has restored the previous state.</param>
    public ChannelDetach(ConnectionLoop loop, string name, ChannelStateTracker status, ChannelBackfiller backfiller, Action timedOut)
    {
        _loop = loop;
        _name = name;
        _status = status;
        _backfiller = backfiller;
        _timedOut = timedOut;
    }

    /// <summary>The callers waiting for DETACHED.</summary>
    public Waiters Waiters { get; } = new();

    /// <summary>RTL5i: a detach requested while attaching, started once the attach completes.</summary>
    public bool AfterAttach { get; set; }

    /// <summary>
    /// Starts a detach from ATTACHED or ATTACHING (RTL5d). Detaching ends continuity tracking: the next attach is a fresh
    /// start. RTL5l: without a connection to tell, DETACHED at once: the server drops this connection's attachments when
    /// it is not resumed, and a resumed one is only re-attached for channels that are still attached.
    /// </summary>
    public void Start()
    {
        _backfiller.Continuity = false;
        if (_loop.State != ConnectionState.Connected)
        {
            Finish(null);
            return;
        }

        _stateBefore = _status.State;
        _status.Set(ChannelState.Detaching, null);
        Send();
    }

    /// <summary>Sends DETACH (again, after a reconnection, RTL5d) with a fresh RTL5f timer.</summary>
    public void Send()
    {
        if (_loop.TrySendNow(new ProtocolMessage(ProtocolAction.Detach, _name)))
        {
            (_timer ??= new ChannelTimer(_loop)).Start(_loop.Options.RealtimeRequestTimeout, OnTimeout);
        }
    }

    /// <summary>
    /// RTL5k: an ATTACHED while detaching or detached: the server thinks the channel is attached. Tell it again, and from
    /// DETACHED go DETACHING until it confirms (RTL5f: back to DETACHED if it never does).
    /// </summary>
    public void OnUnexpectedAttached()
    {
        if (_status.State == ChannelState.Detaching)
        {
            // The RTL5f timer runs on.
            _loop.TrySendNow(new ProtocolMessage(ProtocolAction.Detach, _name));
            return;
        }

        _stateBefore = ChannelState.Detached;
        _status.Set(ChannelState.Detaching, null);
        Send();
    }

    /// <summary>DETACHED (from the server, or at once where nothing needs telling): every waiter completes.</summary>
    public void Finish(ErrorInfo? reason)
    {
        _timer?.Cancel();
        _status.Set(ChannelState.Detached, reason);
        Waiters.Complete();
    }

    /// <summary>Stops the RTL5f timer (the DETACH is sent again on CONNECTED, RTL3e).</summary>
    public void CancelTimer() => _timer?.Cancel();

    private void OnTimeout()
    {
        if (_status.State != ChannelState.Detaching)
        {
            return;
        }

        // RTL5f: no DETACHED in time: back to the previous state.
        var error = new ErrorInfo(ErrorCodes.ChannelOperationTimeout, 408, $"Channel detach timed out after {_loop.Options.RealtimeRequestTimeout.TotalMilliseconds} ms (RTL5f).");
        _status.Set(_stateBefore, error);
        Waiters.Fail(error);
        _timedOut();
    }
}
