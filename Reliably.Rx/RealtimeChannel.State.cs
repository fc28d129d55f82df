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
    private readonly ChannelPosition _position;
    private readonly ChannelStateTracker _status;

    /// <summary>The current state (RTL2b), read synchronously.</summary>
    public ChannelState State => _status.Published;

    /// <summary>The error behind the latest failed or degraded state, or null (RTL2e, RTL24).</summary>
    public ErrorInfo? ErrorReason => _status.ErrorReason;

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
    public IDeliveryStream<ChannelStateChange> StateChanges => _streams.StateChanges;

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
}
