namespace Reliably.Rx;

/// <summary>The outcome of an update, delete or append (UDR1).</summary>
public sealed record UpdateDeleteResult
{
    /// <summary>
    /// The serial of the new version of the message (UDR2a); null when a later change superseded this one before it
    /// was published.
    /// </summary>
    public string? VersionSerial { get; init; }
}
