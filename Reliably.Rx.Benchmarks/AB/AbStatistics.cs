namespace Reliably.Rx.Benchmarks.AB;

/// <summary>A median and its bootstrap confidence interval.</summary>
/// <param name="Median">The sample median.</param>
/// <param name="Low">The lower bound of the interval.</param>
/// <param name="High">The upper bound of the interval.</param>
/// <param name="Count">How many values it summarises.</param>
internal readonly record struct MedianInterval(double Median, double Low, double High, int Count)
{
    /// <summary>"1.034 [1.012, 1.061]" style text, or a note when there were no values.</summary>
    public override string ToString() =>
        Count == 0 ? "n/a" : FormattableString.Invariant($"{Median:F3} [{Low:F3}, {High:F3}]");
}

/// <summary>
/// The statistics of the <c>ab</c> command: the order of the rounds, the ratio of each pair and a percentile-bootstrap
/// interval of the median ratio. Kept free of the command's I/O so that its tests can check it.
/// </summary>
internal static class AbStatistics
{
    /// <summary>
    /// Which side runs each round of <paramref name="pairs"/> pairs: A B, B A, A B, B A, ... (false is A, true is B).
    /// Each pair holds one round of each side, and reversing every other pair cancels a steady drift of the machine's
    /// speed and any advantage of running first or second.
    /// </summary>
    public static bool[] Schedule(int pairs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairs);
        var order = new bool[pairs * 2];
        for (var p = 0; p < pairs; p++)
        {
            var bFirst = p % 2 == 1;
            order[2 * p] = bFirst;
            order[(2 * p) + 1] = !bFirst;
        }

        return order;
    }

    /// <summary>The ratio b[i] / a[i] of each pair; pairs where either value is not a positive finite number are left out.</summary>
    public static double[] PairRatios(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"the two sides have {a.Count} and {b.Count} values; a pair needs one of each", nameof(b));
        }

        var ratios = new List<double>(a.Count);
        for (var i = 0; i < a.Count; i++)
        {
            if (double.IsFinite(a[i]) && double.IsFinite(b[i]) && a[i] > 0 && b[i] > 0)
            {
                ratios.Add(b[i] / a[i]);
            }
        }

        return [.. ratios];
    }

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The p-quantile (0..1) of sorted values, interpolating linearly between the two nearest ranks.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0 || p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "needs values and 0 <= p <= 1");
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    /// <summary>
    /// The median of <paramref name="values"/> with a percentile-bootstrap interval: the values are resampled with
    /// replacement <paramref name="resamples"/> times, and the interval holds the central <paramref name="confidence"/>
    /// of the resampled medians. The seed is fixed so that a report can be reproduced from its values.
    /// </summary>
    public static MedianInterval BootstrapMedian(IReadOnlyList<double> values, double confidence = 0.95, int resamples = 10_000, int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new MedianInterval(double.NaN, double.NaN, double.NaN, 0);
        }

        var random = new Random(seed);
        var medians = new double[resamples];
        var sample = new double[values.Count];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = values[random.Next(values.Count)];
            }

            medians[r] = Median(sample);
        }

        Array.Sort(medians);
        var tail = (1 - confidence) / 2;
        return new MedianInterval(Median(values), Quantile(medians, tail), Quantile(medians, 1 - tail), values.Count);
    }
}
