using Reliably.Rx.Randomness;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime;

[TestFixture]
public sealed class RetryBackoffTests
{
    [Test]
    public void RTB1a_backoff_coefficient_is_min_of_n_plus_2_over_3_and_2()
    {
        // Jitter pinned to 1.0 (NextDouble = 0): the delay is the coefficient × the base.
        var random = new RandomSource(new RealtimeHarness.PinnedRandom());
        var delays = Enumerable.Range(1, 6).Select(n => RetryBackoff.Delay(TimeSpan.FromSeconds(15), n, random)).ToArray();
        Assert.That(delays, Is.EqualTo(new[] { 15.0, 20.0, 25.0, 30.0, 30.0, 30.0 }.Select(TimeSpan.FromSeconds)));
    }

    [Test]
    public void RTB1b_jitter_scales_the_delay_into_0_8_to_1()
    {
        var random = new RandomSource(new Random(1234));
        var baseTimeout = TimeSpan.FromSeconds(10);
        var delays = Enumerable.Range(0, 500).Select(_ => RetryBackoff.Delay(baseTimeout, 1, random)).ToList();
        Assert.That(delays, Has.All.InRange(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10)));
        Assert.That(delays.Min(), Is.LessThan(TimeSpan.FromSeconds(8.2)), "jitter spreads over the whole range");
        Assert.That(delays.Max(), Is.GreaterThan(TimeSpan.FromSeconds(9.8)));
    }

    [Test]
    public void RTB1_connection_and_channel_retries_share_the_rule()
    {
        // The same base, attempt and random stream give the same delay whoever asks (RTN14d and RTL13b).
        var a = RetryBackoff.Delay(TimeSpan.FromSeconds(15), 3, new RandomSource(new Random(7)));
        var b = RetryBackoff.Delay(TimeSpan.FromSeconds(15), 3, new RandomSource(new Random(7)));
        Assert.That(a, Is.EqualTo(b));
    }
}
