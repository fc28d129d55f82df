namespace Reliably.Rx;

/// <summary>Parameters of an application statistics query (RSC6b).</summary>
public sealed record StatsQuery
{
    /// <summary>The default query: no parameters, so the server's defaults apply (minute intervals, newest first, 100 per page).</summary>
    public static StatsQuery Default { get; } = new();

    /// <summary>The earliest interval to include.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>The latest interval to include.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>The order; null (not sent) for the server default, <see cref="PaginationDirection.Backwards"/> (RSC6b2).</summary>
    public PaginationDirection? Direction { get; init; }

    /// <summary>Intervals per page, 1 to 1000; null for the server default of 100.</summary>
    public int? Limit { get; init; }

    /// <summary>The interval granularity; null (not sent) for the server default, <see cref="StatsUnit.Minute"/> (RSC6b4).</summary>
    public StatsUnit? Unit { get; init; }
}
