namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>An issued Ably token (TokenDetails, TD).</summary>
internal sealed class TokenInfo
{
    public required string Token { get; init; }

    public required EmulatorApp App { get; init; }

    public required EmulatorKey Key { get; init; }

    public required long Issued { get; init; }

    /// <summary>The order in which the store learnt of the token: it tells tokens of the same millisecond apart (RSA17).</summary>
    public long Serial { get; set; }

    /// <summary>Expiry in ms since the epoch; lowered by the expire-token fault.</summary>
    public long Expires { get; set; }

    public required Capability Capability { get; init; }

    public string? ClientId { get; init; }

    /// <summary>A JWT's <c>x-ably-revocation-key</c> claim: revocation targets <c>revocationKey:value</c> designate it (RSA17).</summary>
    public string? RevocationKey { get; init; }
}
