namespace Reliably.Rx;

/// <summary>The members present on one channel of a batch presence request (RSC24, BGR/BGF), or why it failed.</summary>
public sealed record BatchPresenceResult
{
    /// <summary>The channel name.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The members present, decoded (not decrypted: batch requests know no channel ciphers).</summary>
    public IReadOnlyList<PresenceMessage> Presence { get; init; } = Array.Empty<PresenceMessage>();

    /// <summary>Why the channel could not be read; null on success.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>True when the channel's members were read.</summary>
    public bool Success => Error is null;
}
