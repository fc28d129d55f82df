namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// The server's clock for the chaos run: the system clock plus an offset the injector moves (client-server clock skew).
/// Only the wall-clock reading shifts: timers keep their real durations, as a skewed NTP setting would leave them.
/// </summary>
internal sealed class SkewedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
