using Reliably.Rx.Randomness;

namespace Reliably.Rx.Realtime;

/// <summary>
/// RTB1, the retry delay shared by the connection (RTN14d, disconnectedRetryTimeout) and by channels (RTL13b,
/// channelRetryTimeout): the base timeout × the backoff coefficient min((n + 2) / 3, 2) (RTB1a) × a jitter uniform in
/// [0.8, 1] (RTB1b).
/// </summary>
internal static class RetryBackoff
{
    /// <summary>The delay before retry number <paramref name="attempt"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(TimeSpan baseTimeout, int attempt, RandomSource random)
    {
        var backoff = Math.Min((attempt + 2) / 3.0, 2.0);
        var jitter = 1.0 - (random.NextDouble() * 0.2);
        return TimeSpan.FromTicks((long)(baseTimeout.Ticks * backoff * jitter));
    }
}
