namespace Reliably.Rx;

/// <summary>The granularity of statistics intervals (RSC6b4).</summary>
public enum StatsUnit
{
    /// <summary>One-minute intervals.</summary>
    Minute,

    /// <summary>One-hour intervals.</summary>
    Hour,

    /// <summary>One-day intervals.</summary>
    Day,

    /// <summary>One-month intervals.</summary>
    Month,
}
