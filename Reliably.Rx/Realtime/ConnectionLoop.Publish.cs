using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
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

    // Waiting for a connection (RTL6c2), in submission order; no msgSerial yet.
    private readonly List<PendingMessage> _queued = new();

    // Submitted while CONNECTED during the current drain; sent by FlushStaged (end of the drain, or before any other
    // frame or state change), so publishes that arrive together share frames (RTL6d). No msgSerial yet.
    private readonly List<PendingMessage> _staged = new();
    private long _msgSerial;

    /// <summary>
    /// Sends a ProtocolMessage for a channel. MESSAGE, PRESENCE, ANNOTATION and OBJECT get a msgSerial and the task
    /// completes on their ACK (with the <c>res</c> entry) or faults with the NACK's error (RTN7a/b). Other actions
    /// complete once written. While INITIALIZED, CONNECTING or DISCONNECTED the message is queued when
    /// <see cref="ClientOptions.QueueMessages"/> is set (RTL6c2) and fails at once otherwise; in other states it fails.
    /// Callable from any thread; on the loop it takes effect immediately, preserving order.
    /// </summary>
    public Task<PublishResult?> SendAsync(ProtocolMessage message) => SendAsync(message, onOutcome: null);

    /// <summary>
    /// As <see cref="SendAsync(ProtocolMessage)"/>, and calls <paramref name="onOutcome"/> on the loop with null on ACK or
    /// the error on NACK or failure (before the task's continuations run).
    /// </summary>
    public Task<PublishResult?> SendAsync(ProtocolMessage message, Action<ErrorInfo?>? onOutcome) => Submit(message, onOutcome, null, default);

    /// <summary>
    /// As <see cref="SendAsync(ProtocolMessage)"/>, telling <paramref name="observer"/> of the outcome on the loop
    /// (one observer per caller instead of a callback per publish); <paramref name="started"/> is kept on the
    /// <see cref="PendingMessage"/> for it.
    /// </summary>
    public Task<PublishResult?> SendAsync(ProtocolMessage message, IPublishOutcome observer, DateTimeOffset started) => Submit(message, null, observer, started);

    private Task<PublishResult?> Submit(ProtocolMessage message, Action<ErrorInfo?>? onOutcome, IPublishOutcome? observer, DateTimeOffset started)
    {
        ArgumentNullException.ThrowIfNull(message);
        var pending = new PendingMessage(message, PendingMessage.IsAckable(message.Action), onOutcome, observer)
        {
            Started = started,
            Loop = this,
            // RTL6d7: messages that arrive with ids (set by the caller) are never bundled. The ids this client assigns
            // for idempotent publishing are given when the frame is formed (Commit), one base per frame, so a bundle is
            // published as one idempotent batch.
            Bundleable = message.Action == ProtocolAction.Message && message.Messages is { Length: > 0 } messages && CanJoinBundle(messages),
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
        if (pending.AckRequired)
        {
            pending.Size = MessageSize(pending.Message);
            if (pending.Size > _maxMessageSize)
            {
                pending.Fail(new ErrorInfo(ErrorCodes.MessageTooLarge, 400, $"Message size {pending.Size} exceeds maxMessageSize {_maxMessageSize} (TO3l8)."));
                return;
            }
        }

        switch (_state)
        {
            case ConnectionState.Connected:
                SendPendingNow(pending);
                break;
            case ConnectionState.Initialized:
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                if (_options.QueueMessages)
                {
                    _queued.Add(pending);
                }
                else
                {
                    pending.Fail(StateError(_state));
                }

                break;
            default:
                pending.Fail(StateError(_state));
                break;
        }
    }

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

        _staged.Add(pending);
    }

    /// <summary>
    /// Sends what the drain staged, in order. With <see cref="ClientOptions.BundlePublishes"/> on, contiguous publishes
    /// that can share a frame are sent as one ProtocolMessage under every RTL6d constraint: within maxMessageSize
    /// (RTL6d1) and 999 messages (RTL6d8), one clientId (RTL6d2), one channel (RTL6d3), MESSAGE only (RTL6d4),
    /// contiguous (RTL6d5), in publish order (RTL6d6), and none with an id of its own (RTL6d7). The bundle gets one
    /// msgSerial; its ACK or NACK completes every publish in it. Nothing waits to be bundled: only publishes submitted
    /// in the same drain (under load, or queued while connecting) can share a frame.
    /// </summary>
    private void FlushStaged()
    {
        if (_staged.Count == 0)
        {
            return;
        }

        // Commit never stages (it writes without flushing), so the list can be read in place and cleared after.
        var staged = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_staged);
        var i = 0;
        while (i < staged.Length)
        {
            var head = staged[i];
            var end = i + 1;
            if (head.Bundleable && _options.BundlePublishes)
            {
                var size = head.Size;
                var count = head.Message.Messages!.Length;
                while (end < staged.Length && CanBundle(head, staged[end], ref size, ref count))
                {
                    end++;
                }
            }

            Commit(end == i + 1 ? head : PendingMessage.Bundle(staged.Slice(i, end - i)));
            i = end;
        }

        _staged.Clear();
    }

    /// <summary>RTL6d: the most messages one bundled ProtocolMessage may carry (RTL6d8).</summary>
    internal const int MaxBundledMessages = 999;

    private bool CanBundle(PendingMessage head, PendingMessage next, ref long size, ref int count)
    {
        var messages = next.Message.Messages!;
        if (!next.Bundleable
            || !string.Equals(head.Message.Channel, next.Message.Channel, StringComparison.Ordinal)
            || !string.Equals(head.Message.Messages![0].ClientId, messages[0].ClientId, StringComparison.Ordinal)
            || size + next.Size > _maxMessageSize
            || count + messages.Length > MaxBundledMessages)
        {
            return false;
        }

        size += next.Size;
        count += messages.Length;
        return true;
    }

    /// <summary>Gives an ackable frame its ids and msgSerial, records it as awaiting ACK, and writes it.</summary>
    private void Commit(PendingMessage pending)
    {
        if (_options.IdempotentRealtimePublishing && pending.Message is { Action: ProtocolAction.Message, Messages: { } messages })
        {
            // RSL1k1 for realtime: a resend after a failed resume gets a new msgSerial; the ids let the server drop it
            // if the first copy was published but never acknowledged (RTN19a).
            PayloadEncoding.IdempotentIds.AssignMissing(messages, _random);
        }

        pending.Message.MsgSerial = Interlocked.Increment(ref _msgSerial) - 1;
        _pending.Enqueue(pending);
        if (_state == ConnectionState.Connected)
        {
            // Otherwise it is resent, in msgSerial order, once CONNECTED (RTN19a): a frame must never reach a new
            // transport ahead of the resend of older serials.
            WriteFrame(pending.Message);
        }
    }

    /// <summary>RTL6d2, RTL6d7: a publish can join a bundle when no message has an id and all share one clientId.</summary>
    private static bool CanJoinBundle(Message[] messages)
    {
        var clientId = messages[0].ClientId;
        foreach (var message in messages)
        {
            if (message.Id is not null || !string.Equals(message.ClientId, clientId, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return messages.Length <= MaxBundledMessages;
    }

    /// <summary>Writes one frame after anything staged, so frames leave in the order they were submitted.</summary>
    private bool SendFrame(ProtocolMessage message)
    {
        FlushStaged();
        return WriteFrame(message);
    }

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
        FlushStaged();
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
        FlushStaged();
        foreach (var pending in _pending)
        {
            WriteFrame(pending.Message);
        }
    }

    private void SendQueued()
    {
        if (_queued.Count == 0)
        {
            return;
        }

        var queued = _queued.ToArray();
        _queued.Clear();
        foreach (var pending in queued)
        {
            SendPendingNow(pending);
        }
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

        var staged = _staged.ToArray();
        _staged.Clear();
        foreach (var pending in staged)
        {
            pending.Fail(error);
        }

        var queued = _queued.ToArray();
        _queued.Clear();
        foreach (var pending in queued)
        {
            pending.Fail(error);
        }
    }

    private ErrorInfo StateError(ConnectionState state) => state switch
    {
        ConnectionState.Suspended => new ErrorInfo(ErrorCodes.ConnectionSuspended, 400, "Connection is suspended.") { Cause = _errorReason },
        ConnectionState.Closing or ConnectionState.Closed => new ErrorInfo(ErrorCodes.ConnectionClosed, 400, "Connection is closed."),
        ConnectionState.Failed => new ErrorInfo(ErrorCodes.ConnectionFailed, 400, "Connection failed.") { Cause = _errorReason },
        _ => new ErrorInfo(ErrorCodes.Disconnected, 400, $"Connection is {state} and queueMessages is off."),
    };

    /// <summary>TM6/TP3: the size of the messages in a frame: name, clientId, data and extras, in bytes.</summary>
    internal static long MessageSize(ProtocolMessage message)
    {
        long size = 0;
        if (message.Messages is { } messages)
        {
            foreach (var m in messages)
            {
                size += Utf8(m.Name) + Utf8(m.ClientId) + DataSize(m.Data) + (m.Extras is null ? 0 : Utf8(m.Extras.ToString(Formatting.None)));
            }
        }

        if (message.Presence is { } presence)
        {
            foreach (var p in presence)
            {
                size += Utf8(p.ClientId) + DataSize(p.Data);
            }
        }

        return size;
    }

    private static long DataSize(object? data) => data switch
    {
        null => 0,
        string s => Utf8(s),
        byte[] b => b.Length,
        ReadOnlyMemory<byte> m => m.Length,
        JToken t => Utf8(t.ToString(Formatting.None)),
        _ => Utf8(JsonConvert.SerializeObject(data)),
    };

    private static long Utf8(string? s) => s is null ? 0 : Encoding.UTF8.GetByteCount(s);
}
