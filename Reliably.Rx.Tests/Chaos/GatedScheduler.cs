using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// A delivery scheduler whose work can be held back: while closed, every work item waits (in order) until
/// <see cref="Open"/>, then runs on the thread pool. A test closes it to hold a client's stream deliveries (its state
/// changes among them) behind events that do not go through it, such as the completion of a publish.
/// </summary>
internal sealed class GatedScheduler : IScheduler
{
    private readonly object _gate = new();
    private readonly Queue<Action> _held = new();
    private bool _closed;

    public DateTimeOffset Now => TaskPoolScheduler.Default.Now;

    /// <summary>How many work items wait for <see cref="Open"/>.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    public void Open()
    {
        Action[] held;
        lock (_gate)
        {
            _closed = false;
            held = _held.ToArray();
            _held.Clear();
        }

        foreach (var run in held)
        {
            run();
        }
    }

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
    {
        var inner = new SingleAssignmentDisposable();
        void Run() => inner.Disposable = TaskPoolScheduler.Default.Schedule(state, action);
        lock (_gate)
        {
            if (_closed)
            {
                _held.Enqueue(Run);
                return inner;
            }
        }

        Run();
        return inner;
    }

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
        TaskPoolScheduler.Default.Schedule(state, dueTime, (_, s) => Schedule(s, action));

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
        TaskPoolScheduler.Default.Schedule(state, dueTime, (_, s) => Schedule(s, action));
}
