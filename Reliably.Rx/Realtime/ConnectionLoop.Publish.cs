using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The publish pipeline (RTN7, RTN19a, RTL6c2): msgSerial assignment, ACK/NACK by range, queueing while not connected,
/// resending on reconnection and failing on SUSPENDED, CLOSED and FAILED.
/// </summary>
internal sealed partial class ConnectionLoop
{
    // Sent (or to be resent) and awaiting ACK/NACK, in msgSerial order.
    private readonly Queue<PendingMessage> _pending = new();

    // Waiting for a connection, in the order the application asked: publishes (RTL6c2) and the turns of channels that
    // attach meanwhile (RTL4i), so an implicit attach requested before a publish reaches the server before it. No
    // msgSerial yet.
    private readonly List<QueuedOperation> _queued = new();

    private long _msgSerial;

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
            pending.Fail(new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."));
        }

        return pending.Task;
    }

    /// <summary>
    /// Sends a frame now when CONNECTED (ATTACH, DETACH, HEARTBEAT...), without queueing or acknowledgement. Must be
    /// called on the loop. Returns false when not connected: channels then (re)send on the next CONNECTED (RTN19b).
    /// </summary>
    public bool TrySendNow(ProtocolMessage message)
    {
        if (_state != ConnectionState.Connected || _transport is null)
        {
            return false;
        }

        return SendFrame(message);
    }

    private static readonly Action<object?> SubmitWork = static p => ((PendingMessage)p!).Loop.Submit((PendingMessage)p!);

    private void Submit(PendingMessage pending)
    {
        if (pending.AckRequired && pending.Size > _maxMessageSize)
        {
            // TO3l8: the limit may have changed since the caller checked (a new connection's details, CD2c).
            pending.Fail(MessageSize.TooLarge(pending.Size, _maxMessageSize));
            return;
        }

        if (pending.AckRequired && _options.MaxPendingPublishes is { } bound && HoldsPublishes(bound))
        {
            pending.Fail(new ErrorInfo(ErrorCodes.RateLimitExceeded, 429,
                $"The client already holds {bound} publishes awaiting acknowledgement or a connection (ClientOptions.MaxPendingPublishes); this one was refused. Await earlier publishes and retry."));
            return;
        }

        switch (_state)
        {
            case ConnectionState.Connected when _queued.Count == 0:
                SendPendingNow(pending);
                break;
            case ConnectionState.Connected:
                // CONNECTED is sending what waited for it (SendQueued): this goes after it.
                _queued.Add(new QueuedOperation(pending, null));
                break;
            case ConnectionState.Initialized:
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                if (_options.QueueMessages)
                {
                    _queued.Add(new QueuedOperation(pending, null));
                }
                else
                {
                    // RTN7d, TO3g.
                    pending.Fail(new ErrorInfo(ErrorCodes.Disconnected, 400, $"The connection is {Upper(_state)} and queueMessages is off, so nothing waits for it (RTL6c4)."));
                }

                break;
            default:
                pending.Fail(StateError(_state));
                break;
        }
    }

    /// <summary>
    /// True when <paramref name="bound"/> publishes are held: awaiting their ACK, or queued for a connection. Queued
    /// operations that are not publishes (an ATTACH waiting for CONNECTED) do not count; they are counted exactly only
    /// when the cheap upper bound reaches the limit.
    /// </summary>
    private bool HoldsPublishes(int bound) =>
        _pending.Count + _queued.Count >= bound
        && _pending.Count + _queued.Count(static q => q.Pending is { AckRequired: true }) >= bound;

    private void SendPendingNow(PendingMessage pending)
    {
        if (!pending.AckRequired)
        {
            if (SendFrame(pending.Message))
            {
                pending.Ack(null);
            }
            else
            {
                pending.Fail(new ErrorInfo(ErrorCodes.BadRequest, 400, "The message could not be encoded."));
            }

            return;
        }

        // RTL6i1, RTL6i2: every publish is its own ProtocolMessage, whatever else is waiting to be sent.
        Commit(pending);
    }

    /// <summary>Gives an ackable frame its msgSerial, records it as awaiting ACK, and writes it (RTN7b).</summary>
    private void Commit(PendingMessage pending)
    {
        pending.Message.MsgSerial = Interlocked.Increment(ref _msgSerial) - 1;
        _pending.Enqueue(pending);
        if (_state == ConnectionState.Connected)
        {
            // Otherwise it is resent, in msgSerial order, once CONNECTED (RTN19a): a frame must never reach a new
            // transport ahead of the resend of older serials.
            WriteFrame(pending.Message);
        }
    }

    /// <summary>Writes one frame now; frames leave in the order the loop writes them.</summary>
    private bool SendFrame(ProtocolMessage message) => WriteFrame(message);

    /// <summary>Writes one frame; an encoding failure is logged and reported, never thrown into the loop.</summary>
    private bool WriteFrame(ProtocolMessage message)
    {
        var transport = _transport;
        if (transport is null)
        {
            return false;
        }

        try
        {
            transport.Send(message);
            return true;
        }
        catch (AblyException ex)
        {
            RealtimeLog.SendFailed(_logger, message.Action, ex.Code);
            return false;
        }
        catch (Exception ex)
        {
            RealtimeLog.SendFailed(_logger, message.Action, ErrorCodes.InternalError);
            RealtimeLog.LoopFault(_logger, ex);
            return false;
        }
    }

    /// <summary>RTN19a2: on a new connection (failed resume) msgSerial restarts at 0 and unacknowledged messages are renumbered.</summary>
    private void RenumberPending()
    {
        long serial = 0;
        foreach (var pending in _pending)
        {
            pending.Message.MsgSerial = serial++;
        }

        Interlocked.Exchange(ref _msgSerial, serial);
    }

    /// <summary>RTN19a: resend everything unacknowledged, with the serials it now has.</summary>
    private void ResendPending()
    {
        foreach (var pending in _pending)
        {
            WriteFrame(pending.Message);
        }
    }

    /// <summary>
    /// RTL4i with the application's order: runs <paramref name="turn"/> now when CONNECTED and nothing queued waits
    /// ahead of it; otherwise it waits in the connection-wide queue behind what was queued before it, and runs once
    /// CONNECTED, in order (or is told that the queue was discarded). Loop only.
    /// </summary>
    public void SendInTurn(IConnectedTurn turn)
    {
        if (_state == ConnectionState.Connected && _queued.Count == 0)
        {
            turn.OnTurn(connected: true);
            return;
        }

        _queued.Add(new QueuedOperation(null, turn));
    }

    /// <summary>On CONNECTED: what waited goes out in order; what is added meanwhile (RTL3d re-attaches) follows it.</summary>
    private void SendQueued()
    {
        for (var i = 0; i < _queued.Count; i++)
        {
            var (pending, turn) = _queued[i];
            if (pending is not null)
            {
                SendPendingNow(pending);
            }
            else
            {
                turn!.OnTurn(connected: true);
            }
        }

        _queued.Clear();
    }

    /// <summary>
    /// RTN7a/b: ACK or NACK serials msgSerial..msgSerial+count-1. Serials below the range that are still pending were
    /// skipped by the server: an implicit NACK. Serials already completed (overlapping acks) are ignored.
    /// </summary>
    private void OnAck(ProtocolMessage message, bool nack)
    {
        if (message.MsgSerial is not { } first || first < 0)
        {
            return;
        }

        var count = Math.Max(message.Count ?? 1, 0);
        var end = first + count;
        if (first >= Interlocked.Read(ref _msgSerial))
        {
            // Serials never sent (a confused or hostile server): they must not implicitly fail real publishes.
            RealtimeLog.UnmatchedAck(_logger, message.Action, first, end - 1);
            return;
        }

        var matched = false;
        while (_pending.TryPeek(out var pending) && pending.Message.MsgSerial is { } serial && serial < end)
        {
            _pending.Dequeue();
            matched = true;
            if (serial < first)
            {
                pending.Fail(new ErrorInfo(ErrorCodes.InternalError, 500, "The server skipped this message's msgSerial: implicitly not acknowledged."));
            }
            else if (nack)
            {
                pending.Fail(ErrorInfo.FromServer(message.Error, ErrorCodes.InternalError, 500, "Message not acknowledged (NACK)"));
            }
            else
            {
                var index = serial - first;
                pending.Ack(message.Res is { } res && index < res.Length ? res[index] : null);
            }
        }

        if (!matched)
        {
            RealtimeLog.UnmatchedAck(_logger, message.Action, first, end - 1);
        }
    }

    /// <summary>RTN7e: fail everything pending and queued.</summary>
    private void FailAllMessages(ErrorInfo error)
    {
        while (_pending.TryDequeue(out var pending))
        {
            pending.Fail(error);
        }

        var queued = _queued.ToArray();
        _queued.Clear();
        foreach (var (pending, turn) in queued)
        {
            pending?.Fail(error);
            turn?.OnTurn(connected: false);
        }
    }

    /// <summary>
    /// The error of an operation refused in <paramref name="state"/> (RTN7e, RTL6c4, RTN13b): for SUSPENDED and FAILED the
    /// reason the connection entered that state, so an operation refused after a failure gets the same error (the
    /// server's own, with its code and href: 40101 for a wrong key) as one that was queued before it.
    /// </summary>
    private ErrorInfo StateError(ConnectionState state) => state switch
    {
        ConnectionState.Suspended or ConnectionState.Failed when _errorReason is { } reason => reason,
        ConnectionState.Suspended => new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "The connection is SUSPENDED."),
        ConnectionState.Failed => new ErrorInfo(ErrorCodes.ConnectionFailed, 400, "The connection has FAILED."),
        ConnectionState.Closing or ConnectionState.Closed => new ErrorInfo(ErrorCodes.ConnectionClosed, 400, $"The connection is {Upper(state)}."),
        ConnectionState.Initialized => new ErrorInfo(ErrorCodes.Disconnected, 400, "The connection is INITIALIZED: call Connection.Connect() first."),
        _ => new ErrorInfo(ErrorCodes.Disconnected, 400, $"The connection is {Upper(state)}."),
    };

    private static string Upper(ConnectionState state) => state.ToString().ToUpperInvariant();

    /// <summary>One entry of the connection-wide queue: a publish, or a channel's turn.</summary>
    private readonly record struct QueuedOperation(PendingMessage? Pending, IConnectedTurn? Turn);
}

/// <summary>Something that waits in the connection-wide queue for CONNECTED in the application's order (RTL4i, RTL6c2).</summary>
internal interface IConnectedTurn
{
    /// <summary>On the loop: its turn came while CONNECTED (<paramref name="connected"/>), or the queue was discarded.</summary>
    void OnTurn(bool connected);
}
