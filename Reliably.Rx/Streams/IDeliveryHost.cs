using System.Reactive.Concurrency;

namespace Reliably.Rx.Streams;

/// <summary>What a broadcast needs from its client: where to deliver, the clock, and where user code must not run.</summary>
internal interface IDeliveryHost
{
    /// <summary>Where subscribers' queues are drained.</summary>
    IScheduler DeliveryScheduler { get; }

    /// <summary>The client's scheduler: the only clock, also for lag and its sampling.</summary>
    IScheduler Clock { get; }

    /// <summary>
    /// True when the calling thread must not run user code: it is running a loop turn, it is the loop's own dedicated
    /// thread, or it holds a library lock. A drain that finds itself there moves to the thread pool.
    /// </summary>
    bool MustNotRunUserCode { get; }

    /// <summary>Drains the queues delivered on the thread pool: the process's dispatcher unless a test gives its own.</summary>
    DeliveryDispatcher Dispatcher => DeliveryDispatcher.Shared;
}

/// <summary>A host with no loop: the scheduler's clock, and only library locks to avoid.</summary>
internal sealed class SchedulerDeliveryHost(IScheduler scheduler, DeliveryDispatcher? dispatcher = null) : IDeliveryHost
{
    public IScheduler DeliveryScheduler => scheduler;

    public DeliveryDispatcher Dispatcher => dispatcher ?? DeliveryDispatcher.Shared;

    public IScheduler Clock => scheduler;

    public bool MustNotRunUserCode => DeliveryGuard.Active;
}

/// <summary>Marks the library's lock regions on this thread, so that a delivery scheduler that runs work inline cannot run user code inside them.</summary>
internal static class DeliveryGuard
{
    [ThreadStatic]
    private static int _depth;

    public static bool Active => _depth > 0;

    public static Scope Enter()
    {
        _depth++;
        return default;
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose() => _depth--;
    }
}
