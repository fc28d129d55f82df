using Microsoft.Extensions.Logging;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The publish pipeline (RTN7, RTN19a, RTL6c2, TO3l8): msgSerial assignment, the frames awaiting ACK/NACK, the
/// connection-wide queue of what waits for CONNECTED, the bound on held publishes, the resend after a reconnection and
/// the failures on SUSPENDED, CLOSED and FAILED. Loop only (except <see cref="MsgSerial"/>); the loop passes the
/// connection's state with each call, so the pipeline holds none of its own.
/// </summary>
internal sealed class PublishPipeline
{
    private readonly ConnectionTransport _transport;
    private readonly ClientOptions _options;
    private readonly ILogger _logger;

    // Sent (or to be resent) and awaiting ACK/NACK, in msgSerial order.
    private readonly Queue<PendingMessage> _pending = new();

    // Waiting for a connection, in the order the application asked: publishes (RTL6c2) and the turns of channels that
    // attach meanwhile (RTL4i), so an implicit attach requested before a publish reaches the server before it. No
    // msgSerial yet.
    private readonly List<QueuedOperation> _queued = new();

    private long _msgSerial;

    public PublishPipeline(ConnectionTransport transport, ClientOptions options, ILogger logger, long msgSerial = 0)
    {
        _transport = transport;
        _options = options;
        _logger = logger;
        _msgSerial = msgSerial;
    }

    /// <summary>The connection's next msgSerial (RTN7, RTN16); readable from any thread.</summary>
    public long MsgSerial => Interlocked.Read(ref _msgSerial);

    /// <summary>How many frames await their ACK or NACK.</summary>
    public int AwaitingAck => _pending.Count;

    /// <summary>How many operations wait for CONNECTED.</summary>
    public int Queued => _queued.Count;

    /// <summary>
    /// Takes a message in <paramref name="state"/>: sent now when CONNECTED and nothing waits ahead of it; queued while
    /// INITIALIZED, CONNECTING or DISCONNECTED when <see cref="ClientOptions.QueueMessages"/> is set (RTL6c2); failed
    /// otherwise (RTN7d, RTN7e), with <paramref name="reason"/> as the error in SUSPENDED and FAILED.
    /// </summary>
    public void Submit(PendingMessage pending, ConnectionState state, long maxMessageSize, ErrorInfo? reason)
    {
        if (pending.AckRequired && pending.Size > maxMessageSize)
        {
            // TO3l8: the limit may have changed since the caller checked (a new connection's details, CD2c).
            pending.Fail(MessageSize.TooLarge(pending.Size, maxMessageSize));
            return;
        }

        if (pending.AckRequired && _options.MaxPendingPublishes is { } bound && HoldsPublishes(bound))
        {
            pending.Fail(new ErrorInfo(ErrorCodes.RateLimitExceeded, 429,
                $"The client already holds {bound} publishes awaiting acknowledgement or a connection (ClientOptions.MaxPendingPublishes); this one was refused. Await earlier publishes and retry."));
            return;
        }

        switch (state)
        {
            case ConnectionState.Connected when _queued.Count == 0:
                SendNow(pending);
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
                    pending.Fail(new ErrorInfo(ErrorCodes.Disconnected, 400, $"The connection is {ConnectionErrors.Upper(state)} and queueMessages is off, so nothing waits for it (RTL6c4)."));
                }

                break;
            default:
                pending.Fail(ConnectionErrors.StateError(state, reason));
                break;
        }
    }

    /// <summary>
    /// RTL4i with the application's order: runs <paramref name="turn"/> now when <paramref name="connected"/> and
    /// nothing queued waits ahead of it; otherwise it waits in the queue behind what was queued before it.
    /// </summary>
    public void SendInTurn(IConnectedTurn turn, bool connected)
    {
        if (connected && _queued.Count == 0)
        {
            turn.OnTurn(connected: true);
            return;
        }

        _queued.Add(new QueuedOperation(null, turn));
    }

    /// <summary>On CONNECTED: what waited goes out in order; what is added meanwhile (RTL3d re-attaches) follows it.</summary>
    public void SendQueued()
    {
        for (var i = 0; i < _queued.Count; i++)
        {
            var (pending, turn) = _queued[i];
            if (pending is not null)
            {
                SendNow(pending);
            }
            else
            {
                turn!.OnTurn(connected: true);
            }
        }

        _queued.Clear();
    }

    /// <summary>RTN19a2: on a new connection (failed resume) msgSerial restarts at 0 and unacknowledged messages are renumbered.</summary>
    public void RenumberPending()
    {
        long serial = 0;
        foreach (var pending in _pending)
        {
            pending.Message.MsgSerial = serial++;
        }

        Interlocked.Exchange(ref _msgSerial, serial);
    }

    /// <summary>RTN11d: a new connection after CLOSED or FAILED counts from 0.</summary>
    public void ResetSerial() => Interlocked.Exchange(ref _msgSerial, 0);

    /// <summary>RTN19a: resend everything unacknowledged, with the serials it now has.</summary>
    public void ResendPending()
    {
        foreach (var pending in _pending)
        {
            _transport.Write(pending.Message);
        }
    }

    /// <summary>
    /// RTN7a/b: ACK or NACK serials msgSerial..msgSerial+count-1. Serials below the range that are still pending were
    /// skipped by the server: an implicit NACK. Serials already completed (overlapping acks) are ignored.
    /// </summary>
    public void OnAck(ProtocolMessage message, bool nack)
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

    /// <summary>RTN7e: fail everything pending and queued; queued channel turns hear that the queue was discarded.</summary>
    public void FailAll(ErrorInfo error)
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
    /// True when <paramref name="bound"/> publishes are held: awaiting their ACK, or queued for a connection. Queued
    /// operations that are not publishes (an ATTACH waiting for CONNECTED) do not count; they are counted exactly only
    /// when the cheap upper bound reaches the limit.
    /// </summary>
    private bool HoldsPublishes(int bound) =>
        _pending.Count + _queued.Count >= bound
        && _pending.Count + _queued.Count(static q => q.Pending is { AckRequired: true }) >= bound;

    private void SendNow(PendingMessage pending)
    {
        if (!pending.AckRequired)
        {
            if (_transport.Write(pending.Message, out var failure))
            {
                pending.Ack(null);
            }
            else
            {
                pending.Fail(failure ?? new ErrorInfo(ErrorCodes.BadRequest, 400, "The message could not be encoded."));
            }

            return;
        }

        // RTL6i1, RTL6i2: every publish is its own ProtocolMessage, whatever else is waiting to be sent. RTN7b: it gets
        // its msgSerial and awaits its ACK.
        pending.Message.MsgSerial = Interlocked.Increment(ref _msgSerial) - 1;
        _pending.Enqueue(pending);
        if (_transport.Connected && !_transport.Write(pending.Message, out var refused) && refused is not null)
        {
            // The frame could not be encoded, so the server never sees this msgSerial. Kept, it would be a gap the
            // next ACK reports as a serial the server skipped (RTN7a), failing this publish with the wrong error, or
            // never if no publish follows. It gives its serial back and fails with the encoder's error instead.
            Withdraw(pending);
            pending.Fail(refused);
        }

        // Otherwise (not CONNECTED) it is resent, in msgSerial order, once CONNECTED (RTN19a): a frame must never reach
        // a new transport ahead of the resend of older serials.
    }

    /// <summary>Takes back the publish just given the last msgSerial (loop only, so nothing was numbered since).</summary>
    private void Withdraw(PendingMessage pending)
    {
        for (var i = _pending.Count; i > 0; i--)
        {
            var held = _pending.Dequeue();
            if (!ReferenceEquals(held, pending))
            {
                _pending.Enqueue(held);
            }
        }

        Interlocked.Decrement(ref _msgSerial);
        pending.Message.MsgSerial = null;
    }

    /// <summary>One entry of the connection-wide queue: a publish, or a channel's turn.</summary>
    private readonly record struct QueuedOperation(PendingMessage? Pending, IConnectedTurn? Turn);
}

/// <summary>Something that waits in the connection-wide queue for CONNECTED in the application's order (RTL4i, RTL6c2).</summary>
internal interface IConnectedTurn
{
    /// <summary>On the loop: its turn came while CONNECTED (<paramref name="connected"/>), or the queue was discarded.</summary>
    void OnTurn(bool connected);
}
