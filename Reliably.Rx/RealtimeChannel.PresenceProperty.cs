using Reliably.Rx.Protocol;

namespace Reliably.Rx;

/// <summary>The channel's presence (RTL9) and the loop-side hooks presence needs.</summary>
public sealed partial class RealtimeChannel
{
    private readonly RealtimePresence _presence;

    /// <summary>The presence set of this channel: enter, leave, members and events (RTP).</summary>
    public RealtimePresence Presence => _presence;

    /// <summary>
    /// Sends encoded presence messages through the publish pipeline (msgSerial, queueing, ACK/NACK) and reports the
    /// outcome on the loop: null for ACK, the error for NACK or failure. Call on the loop.
    /// </summary>
    internal void SendPresenceOnLoop(IReadOnlyList<PresenceMessage> encoded, long size, Action<ErrorInfo?> onOutcome)
    {
        var sent = _loop.SendAsync(new ProtocolMessage(ProtocolAction.Presence, Name) { Presence = encoded.ToArray() }, onOutcome, size);

        // The outcome is handled through the callback; observe the task so a NACK is not an unobserved exception.
        sent.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// RTP17e: an automatic re-entry failed. The channel emits UPDATE (resumed, reason 91004) and the error is reported
    /// on <see cref="SubscriberErrors"/>. Call on the loop.
    /// </summary>
    internal void ReportPresenceReentryFailure(ErrorInfo reason)
    {
        _status.Update(reason, resumed: true, hasBacklog: false);
        ReportError(new AblyException(reason));
    }
}
