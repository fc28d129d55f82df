namespace Reliably.Rx;

/// <summary>
/// A signed token request (TE1): created with the key secret (RSA9) and exchanged for a token by whoever holds it,
/// without the secret leaving the signer.
/// </summary>
public sealed record TokenRequest
{
    /// <summary>The key name, <c>appId.keyId</c>.</summary>
    public string KeyName { get; init; } = string.Empty;

    /// <summary>Requested lifetime.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Requested capability, a JSON string.</summary>
    public string? Capability { get; init; }

    /// <summary>The clientId the token will be bound to.</summary>
    public string? ClientId { get; init; }

    /// <summary>When the request was created.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>A unique nonce (at least 16 characters).</summary>
    public string Nonce { get; init; } = string.Empty;

    /// <summary>The HMAC-SHA256 signature, base64 (RSA9g).</summary>
    public string Mac { get; init; } = string.Empty;

    /// <summary>Prints the request without its signature: whoever holds the MAC can exchange the request for a token.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        Security.Redacted.PrintMembers(this, builder, nameof(Mac));
}
