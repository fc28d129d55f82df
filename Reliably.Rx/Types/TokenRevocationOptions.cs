namespace Reliably.Rx;

/// <summary>Optional parameters of a token revocation (RSA17e, RSA17f).</summary>
public sealed record TokenRevocationOptions
{
    /// <summary>
    /// Only tokens issued before this instant are revoked (RSA17e); sent in milliseconds since the epoch. Null (the
    /// default) leaves it to the server, which uses its current time. Ably refuses an instant in the future or more than
    /// an hour in the past.
    /// </summary>
    public DateTimeOffset? IssuedBefore { get; init; }

    /// <summary>
    /// True postpones the revocation by 30 seconds and asks the connections using the revoked tokens to re-authenticate
    /// first, so a client that can renew its token keeps its connection (RSA17f). Null (the default) is not sent, which
    /// the server reads as false: the revocation applies at once.
    /// </summary>
    public bool? AllowReauthMargin { get; init; }
}
