namespace Reliably.Rx;

/// <summary>The counts behind one annotation name of a <c>multiple.v1</c> summary (TM7d1).</summary>
public sealed record SummaryClientIdCounts
{
    /// <summary>The sum of the counts of every client, identified or not (TM7d1a).</summary>
    public long Total { get; init; }

    /// <summary>Each identified client's contribution (TM7d1b); partial when <see cref="Clipped"/>.</summary>
    public IReadOnlyDictionary<string, long> ClientIds { get; init; } = new Dictionary<string, long>();

    /// <summary>Whether the server cut <see cref="ClientIds"/> short (TM7d1c); false when the wire does not say.</summary>
    public bool Clipped { get; init; }

    /// <summary>The sum of the counts of clients without a clientId (TM7d1d).</summary>
    public long TotalUnidentified { get; init; }

    /// <summary>How many identified clients contributed (TM7d1e); the size of <see cref="ClientIds"/> unless clipped.</summary>
    public long TotalClientIds { get; init; }
}
