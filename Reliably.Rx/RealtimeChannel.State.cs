using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>State, its published values and the state stream (RTL2, RTL15, RTL4k1, RTL4m).</summary>
public sealed partial class RealtimeChannel
{
    private readonly ChannelFeed _feed;

    // Loop-only.
    private ChannelState _state = ChannelState.Initialized;

    // Published: written on the loop, read from anywhere.
    private volatile StateBox _published = new(ChannelState.Initialized);
    private volatile ErrorInfo? _errorReason;
    private readonly ChannelPosition _position;

    /// <summary>The current state (RTL2b), read synchronously.</summary>
    public ChannelState State => _published.Value;

    /// <summary>The error behind the latest failed or degraded state, or null (RTL2e, RTL24).</summary>
    public ErrorInfo? ErrorReason => _errorReason;

    /// <summary>The modes the server granted in the latest ATTACHED (RTL4m); <see cref="ChannelModes.None"/> before that.</summary>
    public ChannelModes Modes => _position.Modes;

    /// <summary>The params the server granted in the latest ATTACHED (RTL4k1); empty before that or when it sent none.</summary>
    public IReadOnlyDictionary<string, string> Params => _position.Params;

    /// <summary>
    /// The channelSerial of the latest ATTACHED that did not resume (RTL15c): the point live delivery continues from;
    /// <c>untilAttach</c> history ends there. Null before the first ATTACHED.
    /// </summary>
    public string? AttachSerial => _position.AttachSerial;

    /// <summary>
    /// The channel's position: the channelSerial of the latest delivered MESSAGE, PRESENCE or processed ATTACHED frame
    /// (RTL15b), sent in every re-ATTACH so the server can resume (RTL4c1). Cleared on DETACHED and FAILED, kept through
    /// SUSPENDED (RTL15b2).
    /// </summary>
    public string? ChannelSerial => _position.ChannelSerial;

    /// <summary>The channel's state changes (RTL2): the state changes of <see cref="Events"/>.</summary>
    /// <remarks>
    /// <para>Hot and shared, with BehaviorSubject semantics: a new subscriber first receives the current state (as a
    /// change whose <see cref="ChannelStateChange.Current"/> is the current state), then every later change and UPDATE,
    /// in order, with no gap and no duplicate.</para>
    /// <para>Delivered as every channel stream is (docs/delivery-guarantees.md): each subscription has its own queue,
    /// drained on the delivery scheduler, never on the connection loop or inside a library lock; unbounded by default,
    /// with options (<see cref="IDeliveryStream{T}.Subscribe(IObserver{T}, DeliveryOptions)"/>) for a capacity and its
    /// lag. A subscriber that throws is reported on <see cref="SubscriberErrors"/> and keeps receiving. Completes (never
    /// errors) when the channel is released or the client is disposed.</para>
    /// </remarks>
    public IDeliveryStream<ChannelStateChange> StateChanges { get; }

    /// <summary>
    /// Waits until the channel is in <paramref name="state"/>; completes at once when it already is, so it cannot miss
    /// a transition that already happened.
    /// </summary>
    /// <param name="state">The state to wait for.</param>
    /// <param name="timeout">How long to wait, measured on the client's scheduler.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The change that entered <paramref name="state"/> (the current state when it was already reached).</returns>
    /// <exception cref="AblyException">50003 on timeout; the channel's reason when it goes FAILED while waiting for another state; 90001 if released meanwhile.</exception>
    public async Task<ChannelStateChange> WaitForStateAsync(ChannelState state, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        StateWait.CheckTimeout(timeout);
        ThrowIfUnusable();
        return await StateWait.ForAsync(
            StateChanges,
            change => change.Current == state,
            change => change.Current == ChannelState.Failed && state != ChannelState.Failed
                ? new AblyException(change.Reason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, "Channel failed."))
                : null,
            () => new AblyException(_released ? ReleasedError() : DisposedError()),
            $"channel state {state}",
            timeout,
            _loop.Scheduler,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves to <paramref name="next"/> and publishes the change. Loop only. A same-state move publishes nothing.</summary>
    private void SetState(ChannelState next, ErrorInfo? reason, bool resumed = false, bool hasBacklog = false)
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

    /// <summary>RTL12: an UPDATE while attached.</summary>
    private void PublishUpdate(ErrorInfo? reason, bool resumed, bool hasBacklog)
    {
        if (reason is not null)
        {
            _errorReason = reason;
        }

        Publish(new ChannelStateChange(_state, _state, ChannelEvent.Update, reason, resumed, hasBacklog));
    }

    private void Publish(ChannelStateChange change)
    {
        _published = new StateBox(change.Current);
        ChannelLog.StateChanged(_logger, Name, change.Previous, change.Current, change.Event, change.Reason?.Code, change.Resumed);
        _feed.StateChanged(change);

        PresenceHandler?.OnChannelStateChanged(change);
    }

    /// <summary>A reference box so the state can be published through a volatile field.</summary>
    private sealed record StateBox(ChannelState Value);
}
