using Reliably.Rx.Benchmarks.AB;

namespace Reliably.Rx.Tests.Benchmarks;

/// <summary>The statistics the benchmarks' <c>ab</c> command reports its before/after comparison with.</summary>
public sealed class AbStatisticsTests
{
    [Test]
    public void Schedule_alternates_AB_and_BA_so_each_pair_holds_one_round_of_each_side()
    {
        var order = AbStatistics.Schedule(4);

        Assert.That(order, Is.EqualTo(new[] { false, true, true, false, false, true, true, false }));
    }

    [Test]
    public void PairRatios_are_b_over_a_and_leave_out_pairs_without_a_positive_finite_value()
    {
        var ratios = AbStatistics.PairRatios([2.0, 4.0, 0.0, double.NaN, 5.0], [3.0, 2.0, 1.0, 1.0, 5.0]);

        Assert.That(ratios, Is.EqualTo(new[] { 1.5, 0.5, 1.0 }));
    }

    [Test]
    public void PairRatios_refuse_sides_of_different_lengths() =>
        Assert.Throws<ArgumentException>(() => AbStatistics.PairRatios([1.0, 2.0], [1.0]));

    [Test]
    public void Median_of_odd_and_even_counts()
    {
        Assert.That(AbStatistics.Median([5.0, 1.0, 3.0]), Is.EqualTo(3.0));
        Assert.That(AbStatistics.Median([4.0, 1.0, 3.0, 2.0]), Is.EqualTo(2.5));
    }

    [Test]
    public void Quantile_interpolates_between_ranks()
    {
        double[] sorted = [10, 20, 30, 40, 50];

        Assert.That(AbStatistics.Quantile(sorted, 0), Is.EqualTo(10));
        Assert.That(AbStatistics.Quantile(sorted, 1), Is.EqualTo(50));
        Assert.That(AbStatistics.Quantile(sorted, 0.5), Is.EqualTo(30));
        Assert.That(AbStatistics.Quantile(sorted, 0.125), Is.EqualTo(15).Within(1e-9));
    }

    [Test]
    public void BootstrapMedian_of_identical_ratios_is_a_point()
    {
        var interval = AbStatistics.BootstrapMedian(Enumerable.Repeat(1.07, 40).ToArray());

        Assert.That((interval.Median, interval.Low, interval.High, interval.Count), Is.EqualTo((1.07, 1.07, 1.07, 40)));
    }

    [Test]
    public void BootstrapMedian_brackets_a_known_shift_and_excludes_no_change()
    {
        // 60 pairs whose ratios scatter ±15% around 1.20 (a fixed sequence, so the test is repeatable).
        var random = new Random(5);
        var ratios = Enumerable.Range(0, 60).Select(_ => 1.20 + ((random.NextDouble() - 0.5) * 0.30)).ToArray();

        var interval = AbStatistics.BootstrapMedian(ratios);

        Assert.That(interval.Low, Is.LessThanOrEqualTo(interval.Median));
        Assert.That(interval.High, Is.GreaterThanOrEqualTo(interval.Median));
        Assert.That(interval.Low, Is.LessThan(1.20).And.GreaterThan(1.10));
        Assert.That(interval.High, Is.GreaterThan(1.20).And.LessThan(1.30));
    }

    [Test]
    public void BootstrapMedian_widens_as_the_pairs_scatter_more()
    {
        var random = new Random(9);
        var noise = Enumerable.Range(0, 50).Select(_ => random.NextDouble() - 0.5).ToArray();

        var steady = AbStatistics.BootstrapMedian(noise.Select(x => 1 + (x * 0.05)).ToArray());
        var scattered = AbStatistics.BootstrapMedian(noise.Select(x => 1 + (x * 0.50)).ToArray());

        Assert.That(scattered.High - scattered.Low, Is.GreaterThan(5 * (steady.High - steady.Low)));
    }

    [Test]
    public void BootstrapMedian_of_no_values_says_so() =>
        Assert.That(AbStatistics.BootstrapMedian([]).ToString(), Is.EqualTo("n/a"));
}
