namespace Reliably.Rx;

/// <summary>The entry of a <c>total.v1</c> summary (TM7e1).</summary>
public sealed record SummaryTotal
{
    /// <summary>How many annotations of the type there are (TM7e1a).</summary>
    public long Total { get; init; }
}
