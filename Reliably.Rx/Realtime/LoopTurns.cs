using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The connection loop's turns: a FIFO with a single drainer, so that no two turns overlap and no lock guards protocol
/// state. Without a caller's scheduler the drainer is a thread-pool work item queued when the FIFO goes from idle to
/// busy (a drain yields after <see cref="TurnsPerDrain"/> turns); with one, each turn is an item on that scheduler.
/// </summary>
internal sealed class LoopTurns
{
    /// <summary>How many turns one drain runs before it yields its pool thread.</summary>
    private const int TurnsPerDrain = 256;

    private readonly object _gate = new();
    private readonly Queue<LoopWork> _work = new();
    private readonly IScheduler? _scheduler;
    private readonly LoopDrain? _poolDrain;
    private readonly bool _dedicatedThread;
    private readonly ILogger _logger;
    private bool _draining;
    private int _drainThread;
    private int _lastTurnThread;
    private volatile bool _stopped;

    /// <summary>Turns on <paramref name="scheduler"/> when given, otherwise drained on the thread pool.</summary>
    public LoopTurns(IScheduler? scheduler, ILogger logger)
    {
        _logger = logger;
        _scheduler = scheduler;
        if (scheduler is null)
        {
            _poolDrain = new LoopDrain(this);
        }
        else
        {
            // A real scheduler of the caller's (an EventLoopScheduler) is the loop's own thread; a virtual one is not.
            _dedicatedThread = !VirtualTime.Is(scheduler);
        }
    }

    /// <summary>True when the turns run on a caller's real scheduler: a thread of the loop's own.</summary>
    public bool DedicatedThread => _dedicatedThread;

    /// <summary>True once <see cref="Stop"/> was called: nothing more is posted.</summary>
    public bool IsStopped => _stopped;

    /// <summary>True inside a turn, on the thread running it.</summary>
    public bool IsOnLoop => Volatile.Read(ref _draining) && Volatile.Read(ref _drainThread) == Environment.CurrentManagedThreadId;

    /// <summary>True on the loop's dedicated thread, even between turns.</summary>
    public bool OnDedicatedThread => _dedicatedThread && Volatile.Read(ref _lastTurnThread) == Environment.CurrentManagedThreadId;

    /// <summary>Refuses every later post (the client is disposed).</summary>
    public void Stop() => _stopped = true;

    /// <summary>Schedules <paramref name="action"/> as a new turn. Returns false once stopped.</summary>
    public bool Post(Action action) => Post(LoopWork.Of(action));

    /// <summary>Schedules <c>run(state)</c> as a new turn; a cached delegate and a state avoid a closure per call.</summary>
    public bool Post(Action<object?> run, object? state) => Post(new LoopWork(run, state));

    /// <summary>Runs <paramref name="action"/> now when already on the loop (keeping its order), otherwise posts it.</summary>
    public bool Execute(Action action) => Execute(LoopWork.Of(action));

    /// <summary>Runs <c>run(state)</c> now when already on the loop (keeping its order), otherwise posts it.</summary>
    public bool Execute(Action<object?> run, object? state) => Execute(new LoopWork(run, state));

    /// <summary>
    /// Runs <paramref name="action"/> on the loop: immediately on this thread when no turn is running, otherwise after
    /// the running turn's queue (by its drainer). Either way actions never overlap.
    /// </summary>
    public void RunOnLoop(Action action) => RunOnLoop(LoopWork.Of(action));

    private bool Post(LoopWork work)
    {
        if (_stopped)
        {
            return false;
        }

        if (_poolDrain is null)
        {
            try
            {
                _scheduler!.Schedule((Turns: this, Work: work), static (_, s) =>
                {
                    s.Turns.RunOnLoop(s.Work);
                    return System.Reactive.Disposables.Disposable.Empty;
                });
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        bool start;
        lock (_gate)
        {
            _work.Enqueue(work);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            // The FIFO went from idle to busy: one work item drains it. Everything posted until it runs joins the same
            // drain, so a burst of commands costs one pool hop.
            ThreadPool.UnsafeQueueUserWorkItem(_poolDrain, preferLocal: false);
        }

        return true;
    }

    private bool Execute(LoopWork work)
    {
        if (IsOnLoop)
        {
            RunSafely(work);
            return true;
        }

        return Post(work);
    }

    private void RunOnLoop(LoopWork work)
    {
        lock (_gate)
        {
            _work.Enqueue(work);
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        // Without a caller's scheduler this may be a timer or user thread: it drains a bounded number of turns, then
        // hands what is left to the thread-pool drainer, as the drainer itself does.
        if (Drain(_poolDrain is null ? int.MaxValue : TurnsPerDrain))
        {
            ThreadPool.UnsafeQueueUserWorkItem(_poolDrain!, preferLocal: false);
        }
    }

    /// <summary>
    /// The drainer: the caller has set <c>_draining</c>. Runs up to <paramref name="budget"/> queued actions before going
    /// idle. Returns true when work is left (budget spent).
    /// </summary>
    private bool Drain(int budget)
    {
        lock (_gate)
        {
            _drainThread = Environment.CurrentManagedThreadId;
        }

        Volatile.Write(ref _lastTurnThread, Environment.CurrentManagedThreadId);

        var ran = 0;
        while (true)
        {
            var next = default(LoopWork);
            lock (_gate)
            {
                if (ran < budget)
                {
                    _work.TryDequeue(out next);
                }
            }

            if (next.Run is not null)
            {
                ran++;
                RunSafely(next);
                continue;
            }

            lock (_gate)
            {
                if (_work.Count == 0)
                {
                    _draining = false;
                    _drainThread = 0;
                    return false;
                }

                if (ran >= budget)
                {
                    // Budget spent: stay "draining" (posts keep queueing) and let the caller re-queue the drainer.
                    _drainThread = 0;
                    return true;
                }
            }
        }
    }

    /// <summary>The cached thread-pool work item that drains the loop's FIFO (default mode).</summary>
    private sealed class LoopDrain(LoopTurns loop) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            if (loop.Drain(TurnsPerDrain))
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    private void RunSafely(LoopWork work)
    {
        try
        {
            work.Run(work.State);
        }
        catch (Exception ex)
        {
            // Nothing may kill the loop; a bug is logged and the loop carries on.
            RealtimeLog.LoopFault(_logger, ex);
        }
    }

    /// <summary>One queued turn: a delegate and its state (a plain <see cref="Action"/> travels as the state of a shared runner).</summary>
    private readonly record struct LoopWork(Action<object?> Run, object? State)
    {
        private static readonly Action<object?> RunAction = static a => ((Action)a!)();

        public static LoopWork Of(Action action) => new(RunAction, action);
    }
}
