namespace Reliably.Rx.Emulator;

/// <summary>
/// A fault that holds the handling of the frames the server reads from one connection, on whichever transport carries
/// them: a frame already accepted as the connection's (read from its current transport) waits here before it is
/// handled, as on a server slow to process it. A test releases the held frames one at a time, in the order they were
/// read, to reproduce an interleaving exactly, for example a publish read from a transport that a resume then replaces
/// (RTN15c6, RTN19a). From <see cref="EmulatorFaults.HoldInboundFrames"/>; <see cref="EmulatorFaults.Reset"/> or
/// <see cref="ReleaseAll"/> ends it.
/// </summary>
public sealed class EmulatorInboundHold
{
    private readonly object _gate = new();
    private readonly Queue<(TaskCompletionSource Release, TaskCompletionSource Handled)> _held = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = new();
    private int _heldTotal;
    private bool _ended;

    internal EmulatorInboundHold(string connectionId) => ConnectionId = connectionId;

    /// <summary>The connection whose frames are held.</summary>
    public string ConnectionId { get; }

    /// <summary>Completes once <paramref name="count"/> frames in all have been held (released ones included).</summary>
    /// <param name="count">How many frames.</param>
    public Task WhenHeld(int count)
    {
        lock (_gate)
        {
            if (_heldTotal >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Lets the earliest held frame be handled; completes once its handling has finished.</summary>
    /// <exception cref="InvalidOperationException">No frame is held.</exception>
    public Task ReleaseNextAsync()
    {
        (TaskCompletionSource Release, TaskCompletionSource Handled) next;
        lock (_gate)
        {
            if (!_held.TryDequeue(out next))
            {
                throw new InvalidOperationException("No inbound frame of connection " + ConnectionId + " is held.");
            }
        }

        next.Release.TrySetResult();
        return next.Handled.Task;
    }

    /// <summary>Stops holding and lets every held frame be handled, in the order each transport read them.</summary>
    public void ReleaseAll()
    {
        List<TaskCompletionSource> release;
        lock (_gate)
        {
            _ended = true;
            release = _held.Select(h => h.Release).ToList();
            _held.Clear();
        }

        release.ForEach(r => r.TrySetResult());
    }

    /// <summary>Called by the receive path before a frame of the connection is handled: null when it need not wait.</summary>
    internal (Task Release, TaskCompletionSource Handled)? Enter()
    {
        List<TaskCompletionSource> reached;
        (TaskCompletionSource Release, TaskCompletionSource Handled) entry;
        lock (_gate)
        {
            if (_ended)
            {
                return null;
            }

            entry = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _held.Enqueue(entry);
            _heldTotal++;
            reached = _waiters.Where(w => w.Count <= _heldTotal).Select(w => w.Reached).ToList();
            _waiters.RemoveAll(w => w.Count <= _heldTotal);
        }

        reached.ForEach(r => r.TrySetResult());
        return (entry.Release.Task, entry.Handled);
    }
}
