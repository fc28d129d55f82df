namespace Reliably.Rx;

/// <summary>
/// What an update, delete or append says about itself (MOP2): who made the change, why, and free-form details. It
/// becomes the new version's <see cref="MessageVersion.ClientId"/>, <see cref="MessageVersion.Description"/> and
/// <see cref="MessageVersion.Metadata"/> (RSL15b7, RTL32b2).
/// </summary>
public sealed record MessageOperation
{
    /// <summary>The client that made the change (MOP2a).</summary>
    public string? ClientId { get; init; }

    /// <summary>A description of the change (MOP2b).</summary>
    public string? Description { get; init; }

    /// <summary>Free-form string details of the change (MOP2c).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
