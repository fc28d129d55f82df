using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A connection's replies (ACK, NACK) per msgSerial, remembered so that a resend of the same msgSerial after a resume is
/// answered with the original result and not handled again (RTN19a), and the msgSerials whose first handling is still
/// under way. The client resends everything unacknowledged on the new transport as soon as the resume succeeds, so a
/// resend can arrive while the original, read from the replaced transport, is still being handled on another thread.
/// The resend then waits for that handling to end and gets its reply: handled a second time, a message without an id
/// would be published twice, and answering it later would break the msgSerial order of the replies (RTN7b).
/// </summary>
internal sealed class ReplyMemory
{
    private readonly object _gate = new();
    private readonly Dictionary<long, OutgoingFrame> _replies = [];
    private readonly Queue<long> _order = new();
    private readonly HashSet<long> _handling = [];
    private readonly int _limit;

    /// <param name="limit">How many replies are remembered, the latest ones.</param>
    public ReplyMemory(int limit) => _limit = limit;

    /// <summary>
    /// Begins the handling of <paramref name="msgSerial"/>: true when it is to be handled (the first time); false with the
    /// remembered reply when it was handled before. While another handling of it is under way this waits for its reply,
    /// for at most <paramref name="wait"/>; a handling that ends with no reply (the connection failed) lets it through.
    /// <paramref name="waiting"/> runs once, under the lock, when it starts to wait.
    /// </summary>
    public bool TryBegin(long msgSerial, TimeSpan wait, Action? waiting, out OutgoingFrame? previous)
    {
        lock (_gate)
        {
            var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
            while (_handling.Contains(msgSerial) && !_replies.ContainsKey(msgSerial))
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    break;
                }

                waiting?.Invoke();
                waiting = null;
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(remaining));
            }

            if (_replies.TryGetValue(msgSerial, out previous))
            {
                return false;
            }

            _handling.Add(msgSerial);
            return true;
        }
    }

    /// <summary>Remembers the reply to <paramref name="msgSerial"/>, which ends its handling.</summary>
    public void Remember(long msgSerial, OutgoingFrame reply)
    {
        lock (_gate)
        {
            _replies[msgSerial] = reply;
            _order.Enqueue(msgSerial);
            if (_order.Count > _limit)
            {
                _replies.Remove(_order.Dequeue());
            }

            if (_handling.Remove(msgSerial))
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
