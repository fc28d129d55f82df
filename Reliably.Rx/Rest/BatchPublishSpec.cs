namespace Reliably.Rx;

/// <summary>Messages to publish to several channels in one batch request (RSC22, BSP).</summary>
public sealed record BatchPublishSpec
{
    /// <summary>The channel names to publish to.</summary>
    public IReadOnlyList<string> Channels { get; init; } = Array.Empty<string>();

    /// <summary>The messages published to each channel.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = Array.Empty<Message>();
}
