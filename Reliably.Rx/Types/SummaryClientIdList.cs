namespace Reliably.Rx;

/// <summary>
/// The clients behind one annotation name (TM7c1): the per-name entry of <c>distinct.v1</c> and <c>unique.v1</c>
/// summaries, and the whole entry of a <c>flag.v1</c> summary.
/// </summary>
public sealed record SummaryClientIdList
{
    /// <summary>How many clients published an annotation with this name (TM7c1a).</summary>
    public long Total { get; init; }

    /// <summary>Their clientIds (TM7c1b); fewer than <see cref="Total"/> when <see cref="Clipped"/>.</summary>
    public IReadOnlyList<string> ClientIds { get; init; } = Array.Empty<string>();

    /// <summary>Whether the server cut <see cref="ClientIds"/> short (TM7c1c); false when the wire does not say.</summary>
    public bool Clipped { get; init; }
}
