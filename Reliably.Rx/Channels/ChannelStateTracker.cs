using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Channels;

/// <summary>
/// A channel's state and its publication (RTL2): the loop moves it, and every change enters the channel's feed in order,
/// then reaches presence (RTP) and the backfill (RTL15c). The state and the error reason are published for reading from
/// anywhere.
/// </summary>
internal sealed class ChannelStateTracker
{
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly ChannelFeed _feed;
    private readonly ChannelPosition _position;
    private readonly ChannelBackfiller _backfiller;

    // Loop-only.
    private ChannelState _state = ChannelState.Initialized;

    // Published: written on the loop, read from anywhere.
    private volatile ChannelState _published = ChannelState.Initialized;
    private volatile ErrorInfo? _errorReason;

    public ChannelStateTracker(string name, ILogger logger, ChannelFeed feed, ChannelPosition position, ChannelBackfiller backfiller)
    {
        _name = name;
        _logger = logger;
        _feed = feed;
        _position = position;
        _backfiller = backfiller;
    }

    /// <summary>Told of every state change on the loop, after the feed.</summary>
    public IChannelPresenceHandler? PresenceHandler { get; set; }

    /// <summary>The state as the loop sees it; only meaningful on the loop.</summary>
    public ChannelState State => _state;

    /// <summary>The state, read from anywhere (RTL2b).</summary>
    public ChannelState Published => _published;

    /// <summary>The error behind the latest failed or degraded state, or null (RTL2e, RTL24).</summary>
    public ErrorInfo? ErrorReason => _errorReason;

    /// <summary>RTL4g: an attach from FAILED clears the reason. Loop only.</summary>
    public void ClearReason() => _errorReason = null;

    /// <summary>Moves to <paramref name="next"/> and publishes the change. Loop only. A same-state move publishes nothing.</summary>
    public void Set(ChannelState next, ErrorInfo? reason, bool resumed = false, bool hasBacklog = false)
    {
        var previous = _state;
        if (previous == next)
        {
            if (reason is not null)
            {
                _errorReason = reason;
            }

            return;
        }

        _state = next;
        if (reason is not null || next == ChannelState.Attached)
        {
            _errorReason = reason;
        }

        if (next is ChannelState.Detached or ChannelState.Failed)
        {
            // RTL15b2: the position is meaningless once the attachment has ended.
            _position.Clear();
        }

        Publish(new ChannelStateChange(previous, next, ChannelStateChange.EventFor(next), reason, resumed, hasBacklog));
        _backfiller.OnStateEntered(next);
    }

    /// <summary>RTL12: an UPDATE while attached (also RTP17e's after a failed re-entry). Loop only.</summary>
    public void Update(ErrorInfo? reason, bool resumed, bool hasBacklog)
    {
        if (reason is not null)
        {
            _errorReason = reason;
        }

        Publish(new ChannelStateChange(_state, _state, ChannelEvent.Update, reason, resumed, hasBacklog));
    }

    private void Publish(ChannelStateChange change)
    {
        _published = change.Current;
        ChannelLog.StateChanged(_logger, _name, change.Previous, change.Current, change.Event, change.Reason?.Code, change.Resumed);
        _feed.StateChanged(change);
        PresenceHandler?.OnChannelStateChanged(change);
    }
}
