using System.Reactive.Concurrency;

namespace Reliably.Rx.Realtime;

/// <summary>Recognises Rx's virtual-time schedulers (TestScheduler, HistoricalScheduler): one thread, time driven by the caller.</summary>
internal static class VirtualTime
{
    public static bool Is(IScheduler scheduler)
    {
        for (var type = scheduler.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VirtualTimeSchedulerBase<,>))
            {
                return true;
            }
        }

        return false;
    }
}
