using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using BenchmarkDotNet.Attributes;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Benchmarks.Streams;

/// <summary>
/// Dispatch through <see cref="LosslessBroadcast{T}"/> (the per-subscriber buffers behind <c>channel.Messages()</c>) to
/// 1, 10 and 100 subscribers. One operation = one <c>Publish</c> of one message to every subscriber (1 000 publishes per
/// invocation, <c>OperationsPerInvoke</c>), so ns/op and bytes/op are per message, all subscribers included.
/// </summary>
/// <remarks>
/// <para>Delivery schedulers:</para>
/// <list type="bullet">
/// <item><c>inline</c>: a benchmark-only scheduler that runs the drain at once on the publishing thread with no
/// allocation: the cost of the broadcast itself (the append to each subscriber's ring, the fence and the read of each
/// drain flag, the claim, the take and the OnNext call).</item>
/// <item><c>immediate</c>: Rx's <see cref="ImmediateScheduler"/>, also synchronous; adds what Rx's scheduler costs per
/// drain (it allocates per <c>Schedule</c> call).</item>
/// <item><c>threadpool</c>: <see cref="TaskPoolScheduler.Default"/>, the production default; the invocation waits until
/// every subscriber has received all 1 000 messages, so it includes the thread-pool hops and batching (up to 256 items
/// per drain) and is sensitive to machine load.</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
public class LosslessBroadcastBenchmarks
{
    private const int PerInvoke = 1000;

    private LosslessBroadcast<object> _broadcast = null!;
    private CountingObserver[] _observers = null!;
    private IDisposable[] _subscriptions = null!;
    private readonly object _item = new();
    private long _expected;

    [Params(1, 10, 100)]
    public int Subscribers { get; set; } = 1;

    [Params("inline", "immediate", "threadpool")]
    public string Scheduler { get; set; } = "inline";

    [GlobalSetup]
    public void Setup()
    {
        IScheduler scheduler = Scheduler switch
        {
            "inline" => InlineScheduler.Instance,
            "immediate" => ImmediateScheduler.Instance,
            "threadpool" => TaskPoolScheduler.Default,
            _ => throw new ArgumentOutOfRangeException(nameof(Scheduler)),
        };
        _broadcast = new LosslessBroadcast<object>(scheduler);
        _observers = new CountingObserver[Subscribers];
        _subscriptions = new IDisposable[Subscribers];
        for (var i = 0; i < Subscribers; i++)
        {
            _observers[i] = new CountingObserver();
            _subscriptions[i] = _broadcast.Subscribe(_observers[i]);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var s in _subscriptions)
        {
            s.Dispose();
        }

        _broadcast.Dispose();
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public long Publish()
    {
        for (var i = 0; i < PerInvoke; i++)
        {
            _broadcast.Publish(_item);
        }

        _expected += PerInvoke;
        if (Scheduler == "threadpool")
        {
            WaitForDelivery();
        }

        return _expected;
    }

    private void WaitForDelivery()
    {
        // Bounded: gives up after 10 s rather than hanging a benchmark run on a starved pool.
        var deadline = Environment.TickCount64 + 10_000;
        var spin = new SpinWait();
        foreach (var observer in _observers)
        {
            while (Volatile.Read(ref observer.Count) < _expected && Environment.TickCount64 < deadline)
            {
                spin.SpinOnce();
            }
        }
    }

    private sealed class CountingObserver : IObserver<object>
    {
        public long Count;

        public void OnNext(object value) => Count++;

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    /// <summary>Runs scheduled work at once on the calling thread, without allocating; benchmarks only.</summary>
    private sealed class InlineScheduler : IScheduler
    {
        public static readonly InlineScheduler Instance = new();

        public DateTimeOffset Now => DateTimeOffset.UtcNow;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) => action(this, state);

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
            throw new NotSupportedException();

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
            throw new NotSupportedException();
    }
}
