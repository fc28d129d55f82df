namespace Reliably.Rx.Auth;

/// <summary>Credentials for one request or connection attempt. <see cref="ToString"/> never reveals the secret.</summary>
internal sealed record AuthCredentials
{
    /// <summary>The full API key for Basic auth, or null for token auth.</summary>
    public string? Key { get; init; }

    /// <summary>The token for token auth, or null for Basic auth.</summary>
    public TokenDetails? Token { get; init; }

    public bool IsBasic => Key is not null;

    public override string ToString() => IsBasic ? "AuthCredentials { Basic }" : $"AuthCredentials {{ Token expiring {Token?.Expires:O} }}";
}
