using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.Realtime;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// The one path a connection's ACKs and NACKs take to their transports, so that they leave in the order they were made
/// (RTN7b): an ACK overtaking an earlier one is the implicit NACK of the skipped serial (RTN7a). Replies held back by the
/// ack-delay fault are released in that order, each no earlier than its due time, and a reply made while any is held waits
/// behind them. Replies are handed to their transports by one thread at a time: the thread that releases held replies
/// takes them out of the hold under the lock but hands them over after it, and a reply made meanwhile must not go ahead
/// of them. One timer on the server's clock (<see cref="EmulatorServer.Time"/>), so a virtual clock releases them without
/// any thread-pool hop. Due times are read on the clock's monotonic timestamp, never its wall-clock reading: a server clock
/// that jumps back (skew) must not hold a reply, and every reply queued behind it, for as long as the jump.
/// </summary>
internal sealed class DelayedReplies
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly FaultState _faults;
    private readonly string _connectionId;
    private readonly Queue<(long Due, OutgoingFrame Frame, IServerTransport Transport)> _held = new();

    // Replies due or made without delay, waiting for the thread that is handing replies over.
    private readonly Queue<(OutgoingFrame Frame, IServerTransport Transport)> _ready = new();
    private bool _sending;
    private ITimer? _timer;

    public DelayedReplies(TimeProvider time, FaultState faults, string connectionId)
    {
        _time = time;
        _faults = faults;
        _connectionId = connectionId;
    }

    /// <summary>
    /// Sends <paramref name="frame"/> to <paramref name="transport"/> after every reply made before it, no earlier than
    /// <paramref name="delay"/> from now (zero: as soon as those have gone).
    /// </summary>
    public void Send(TimeSpan delay, OutgoingFrame frame, IServerTransport transport)
    {
        lock (_gate)
        {
            if (delay > TimeSpan.Zero || _held.Count > 0)
            {
                var due = _time.GetTimestamp() + (long)(Math.Max(delay.Ticks, 0) * (_time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
                _held.Enqueue((due, frame, transport));
                if (_held.Count == 1)
                {
                    ArmLocked(due);
                }

                return;
            }

            // Behind whatever is ready and not yet handed over; the thread handing replies over sends it after them.
            _ready.Enqueue((frame, transport));
            if (_sending)
            {
                return;
            }

            _sending = true;
            (frame, transport) = _ready.Dequeue();
        }

        SendInTurn(frame, transport);
    }

    private void ArmLocked(long due)
    {
        var now = _time.GetTimestamp();
        var wait = due > now ? _time.GetElapsedTime(now, due) : TimeSpan.Zero;
        _timer?.Dispose();
        _timer = _time.CreateTimer(static s => ((DelayedReplies)s!).Release(), this, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Release()
    {
        (OutgoingFrame Frame, IServerTransport Transport) first;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            while (_held.TryPeek(out var head) && head.Due <= now)
            {
                _held.Dequeue();
                _ready.Enqueue((head.Frame, head.Transport));
            }

            if (_held.TryPeek(out var next))
            {
                ArmLocked(next.Due);
            }
            else
            {
                _timer?.Dispose();
                _timer = null;
            }

            // Another thread handing replies over sends these too, after what it is sending.
            if (_sending || !_ready.TryDequeue(out first))
            {
                return;
            }

            _sending = true;
        }

        _faults.HeldRepliesDue?.Invoke(_connectionId);
        SendInTurn(first.Frame, first.Transport);
    }

    /// <summary>
    /// With the sending turn: hands <paramref name="frame"/> over, then every reply that became ready meanwhile, in order,
    /// outside the lock (an in-memory transport delivers on this thread). A transport that has died drops its replies; the
    /// client resends those publishes, and they are answered from the replies remembered for them (RTN19a).
    /// </summary>
    private void SendInTurn(OutgoingFrame frame, IServerTransport transport)
    {
        try
        {
            while (true)
            {
                transport.Enqueue(frame);
                lock (_gate)
                {
                    if (!_ready.TryDequeue(out var next))
                    {
                        _sending = false;
                        return;
                    }

                    (frame, transport) = next;
                }
            }
        }
        catch
        {
            lock (_gate)
            {
                _sending = false;
            }

            throw;
        }
    }
}
