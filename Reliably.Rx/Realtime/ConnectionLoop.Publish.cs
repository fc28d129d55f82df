using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>Commands that send: publishes and other channel frames (<see cref="PublishPipeline"/>) and pings (<see cref="PingTracker"/>).</summary>
internal sealed partial class ConnectionLoop
{
    private static readonly Action<object?> SubmitWork = static p => ((PendingMessage)p!).Loop.Submit((PendingMessage)p!);

    /// <summary>
    /// Sends a ProtocolMessage for a channel. MESSAGE, PRESENCE, ANNOTATION and OBJECT get a msgSerial and the task
    /// completes on their ACK (with the <c>res</c> entry) or faults with the NACK's error (RTN7a/b). Other actions
    /// complete once written. While INITIALIZED, CONNECTING or DISCONNECTED the message is queued when
    /// <see cref="ClientOptions.QueueMessages"/> is set (RTL6c2) and fails at once otherwise; in other states it fails.
    /// Callable from any thread; on the loop it takes effect immediately, preserving order.
    /// </summary>
    public Task<PublishResult> SendAsync(ProtocolMessage message) => SendAsync(message, onOutcome: null);

    /// <summary>
    /// As <see cref="SendAsync(ProtocolMessage)"/>, and calls <paramref name="onOutcome"/> on the loop with null on ACK or
    /// the error on NACK or failure (before the task's continuations run).
    /// </summary>
    public Task<PublishResult> SendAsync(ProtocolMessage message, Action<ErrorInfo?>? onOutcome, long? size = null) => Submit(message, onOutcome, null, default, size);

    /// <summary>
    /// As <see cref="SendAsync(ProtocolMessage)"/>, telling <paramref name="observer"/> of the outcome on the loop
    /// (one observer per caller instead of a callback per publish); <paramref name="started"/> is kept on the
    /// <see cref="PendingMessage"/> for it. <paramref name="size"/> is the publish's TM6 size, measured once by the caller.
    /// </summary>
    public Task<PublishResult> SendAsync(ProtocolMessage message, IPublishOutcome? observer, DateTimeOffset started, long size) => Submit(message, null, observer, started, size);

    /// <summary>
    /// Sends a frame now when CONNECTED (ATTACH, DETACH, HEARTBEAT...), without queueing or acknowledgement. Must be
    /// called on the loop. Returns false when not connected: channels then (re)send on the next CONNECTED (RTN19b).
    /// </summary>
    public bool TrySendNow(ProtocolMessage message) => _transport.TrySend(message);

    /// <summary>
    /// RTL4i with the application's order: runs <paramref name="turn"/> now when CONNECTED and nothing queued waits
    /// ahead of it; otherwise it waits in the connection-wide queue behind what was queued before it, and runs once
    /// CONNECTED, in order (or is told that the queue was discarded). Loop only.
    /// </summary>
    public void SendInTurn(IConnectedTurn turn) => _publish.SendInTurn(turn, _state == ConnectionState.Connected);

    /// <summary>RTN13: pings the server; completes with the round trip, or faults as RTN13b and RTN13c say.</summary>
    public Task<TimeSpan> PingAsync()
    {
        var ping = new PingRequest();
        if (!Execute(() => _pings.Start(ping, _state, _status.ErrorReason)))
        {
            ping.Completion.TrySetException(new AblyException(ConnectionErrors.Disposed));
        }

        return ping.Completion.Task;
    }

    private Task<PublishResult> Submit(ProtocolMessage message, Action<ErrorInfo?>? onOutcome, IPublishOutcome? observer, DateTimeOffset started, long? size)
    {
        ArgumentNullException.ThrowIfNull(message);
        var ackable = PendingMessage.IsAckable(message.Action);
        var pending = new PendingMessage(message, ackable, onOutcome, observer)
        {
            Started = started,
            Loop = this,

            // TO3l8f: measured here, on the caller's thread, unless the caller measured it already; the loop only compares.
            Size = ackable ? size ?? message.Size() : 0,
        };
        if (!Execute(SubmitWork, pending))
        {
            pending.Fail(ConnectionErrors.Disposed);
        }

        return pending.Task;
    }

    private void Submit(PendingMessage pending) => _publish.Submit(pending, _state, _session.MaxMessageSize, _status.ErrorReason);
}
