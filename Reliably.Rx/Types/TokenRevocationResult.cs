namespace Reliably.Rx;

/// <summary>
/// The outcome of a revocation for one target: on success (TRS2) when it applies and which tokens it covers, on
/// failure (TRF2) the error.
/// </summary>
public sealed record TokenRevocationResult
{
    /// <summary>The target specifier, as sent: <c>type:value</c> (TRS2a, TRF2a).</summary>
    public string Target { get; init; } = string.Empty;

    /// <summary>When the revocation takes effect (TRS2b); null on failure.</summary>
    public DateTimeOffset? AppliesAt { get; init; }

    /// <summary>Tokens issued before this instant are revoked (TRS2c); null on failure.</summary>
    public DateTimeOffset? IssuedBefore { get; init; }

    /// <summary>Why the revocation failed for this target (TRF2b); null on success.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>True when the server accepted the revocation of this target.</summary>
    public bool Success => Error is null;
}
