namespace Reliably.Rx;

/// <summary>
/// The outcome of a realtime publish (RTL6j, PBR1): the serial the server assigned to each published message, read from
/// the ACK's <c>res</c> entry for its ProtocolMessage (TR4s).
/// </summary>
public sealed record PublishResult
{
    /// <summary>
    /// The serials, one per published message and in the same order (PBR2a); an entry is null when the server discarded
    /// that message (conflation). Empty when the server acknowledged without serials.
    /// </summary>
    public IReadOnlyList<string?> Serials { get; init; } = Array.Empty<string?>();

    /// <summary>The result of an acknowledgement that carried no serials.</summary>
    internal static PublishResult None { get; } = new();
}
