namespace Reliably.Rx;

/// <summary>Parameters of a history query (RSL2b, RSP4b): message or presence history of a channel.</summary>
public sealed record HistoryQuery
{
    /// <summary>The default query: newest first, the server's default page size (100).</summary>
    public static HistoryQuery Default { get; } = new();

    /// <summary>The earliest time to include; null for no lower bound.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>The latest time to include; null for now.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>The order; default <see cref="PaginationDirection.Backwards"/>.</summary>
    public PaginationDirection Direction { get; init; } = PaginationDirection.Backwards;

    /// <summary>Items per page, 1 to 1000; null for the server default of 100.</summary>
    public int? Limit { get; init; }
}
