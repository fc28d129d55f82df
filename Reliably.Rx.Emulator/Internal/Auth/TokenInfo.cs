namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>An issued Ably token (TokenDetails, TD).</summary>
internal sealed class TokenInfo
{
    public required string Token { get; init; }

    public required EmulatorApp App { get; init; }

    public required EmulatorKey Key { get; init; }

    public required long Issued { get; init; }

    /// <summary>Expiry in ms since the epoch; lowered by the expire-token fault.</summary>
    public long Expires { get; set; }

    public required Capability Capability { get; init; }

    public string? ClientId { get; init; }

    /// <summary>Set by POST /keys/{keyName}/revokeTokens (RSA17); a revoked token fails with 40141.</summary>
    public volatile bool Revoked;
}
