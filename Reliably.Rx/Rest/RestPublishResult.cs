namespace Reliably.Rx;

/// <summary>The outcome of a publish (RSL1n): the serial the server assigned to each message, in order.</summary>
public sealed record RestPublishResult
{
    /// <summary>The serials, one per published message; an entry is null when the server discarded that message as a duplicate.</summary>
    public IReadOnlyList<string?> Serials { get; init; } = Array.Empty<string?>();
}
