namespace Reliably.Rx;

/// <summary>The version of a message (TM2s): who changed it, when, and why.</summary>
public sealed record MessageVersion
{
    /// <summary>The serial of this version.</summary>
    public string? Serial { get; init; }

    /// <summary>When this version was created.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The client that created this version.</summary>
    public string? ClientId { get; init; }

    /// <summary>A description of the change.</summary>
    public string? Description { get; init; }

    /// <summary>Arbitrary string metadata of the change.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
