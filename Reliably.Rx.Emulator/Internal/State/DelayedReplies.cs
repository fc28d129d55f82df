using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.Realtime;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// ACKs and NACKs held back by the ack-delay fault, released in the order they were made, each no earlier than its due
/// time: an ACK overtaking an earlier one would be an implicit NACK of the skipped serial (RTN7). One timer on the
/// server's clock (<see cref="EmulatorServer.Time"/>), so a virtual clock releases them without any thread-pool hop.
/// Due times are read on the clock's monotonic timestamp, never its wall-clock reading: a server clock that jumps back
/// (skew) must not hold an ACK, and every ACK queued behind it, for as long as the jump.
/// </summary>
internal sealed class DelayedReplies
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Queue<(long Due, OutgoingFrame Frame, IServerTransport? Transport)> _queue = new();
    private ITimer? _timer;

    public DelayedReplies(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>True when nothing is held back, so a reply without delay may go out at once.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count == 0;
            }
        }
    }

    /// <summary>Holds <paramref name="frame"/> for <paramref name="delay"/> and until every earlier reply went, then sends it on the transport it was meant for.</summary>
    public void Add(TimeSpan delay, OutgoingFrame frame, IServerTransport? transport)
    {
        lock (_gate)
        {
            var due = _time.GetTimestamp() + (long)(Math.Max(delay.Ticks, 0) * (_time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
            _queue.Enqueue((due, frame, transport));
            if (_queue.Count == 1)
            {
                ArmLocked(due);
            }
        }
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
        var ready = new List<(long Due, OutgoingFrame Frame, IServerTransport? Transport)>();
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            while (_queue.TryPeek(out var head) && head.Due <= now)
            {
                ready.Add(_queue.Dequeue());
            }

            if (_queue.TryPeek(out var next))
            {
                ArmLocked(next.Due);
            }
            else
            {
                _timer?.Dispose();
                _timer = null;
            }
        }

        // Outside the lock, in order: a transport that has died meanwhile drops its replies (the resent publish is re-ACKed).
        foreach (var (_, frame, transport) in ready)
        {
            transport?.Enqueue(frame);
        }
    }
}
