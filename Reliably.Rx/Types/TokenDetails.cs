namespace Reliably.Rx;

/// <summary>An Ably token and what it allows (TD1).</summary>
public sealed record TokenDetails
{
    /// <summary>Creates token details for a token string.</summary>
    public TokenDetails(string token)
    {
        Token = token ?? throw new ArgumentNullException(nameof(token));
    }

    /// <summary>The token string.</summary>
    public string Token { get; init; }

    /// <summary>The key the token was issued from.</summary>
    public string? KeyName { get; init; }

    /// <summary>When the token was issued.</summary>
    public DateTimeOffset? Issued { get; init; }

    /// <summary>When the token expires; null when unknown (a bare token string).</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The token's capability, a JSON string.</summary>
    public string? Capability { get; init; }

    /// <summary>The clientId the token is bound to, if any.</summary>
    public string? ClientId { get; init; }

    /// <summary>True when the token has an expiry at or before <paramref name="now"/> (RSA4b1).</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Expires is { } e && e <= now;

    /// <inheritdoc />
    public override string ToString() => $"TokenDetails {{ KeyName = {KeyName}, Expires = {Expires:O}, ClientId = {ClientId} }}";
}
