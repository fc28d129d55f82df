namespace Reliably.Rx;

/// <summary>The result of a batch publish for one channel (BPR, BPF): the serials on success, the error on failure.</summary>
public sealed record BatchPublishResult
{
    /// <summary>The channel name.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The id prefix of the published messages, on success.</summary>
    public string? MessageId { get; init; }

    /// <summary>The serials of the published messages, on success.</summary>
    public IReadOnlyList<string?> Serials { get; init; } = Array.Empty<string?>();

    /// <summary>Why publishing to this channel failed; null on success.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>True when the channel accepted the messages.</summary>
    public bool Success => Error is null;
}
