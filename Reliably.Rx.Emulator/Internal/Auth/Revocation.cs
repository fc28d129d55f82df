namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>
/// One accepted revocation target (RSA17): tokens of <see cref="Key"/> matching <see cref="Type"/>:<see cref="Value"/>
/// and issued before <see cref="IssuedBefore"/> are refused with 40141 from <see cref="AppliesAt"/> on. A rule, not a
/// mark on the tokens known at the time, so a JWT first presented after the revocation is refused too. A token issued
/// in the very millisecond of <see cref="IssuedBefore"/> counts as issued before it if the store knew it when the
/// revocation was made (<see cref="LastSerial"/>): the default issuedBefore, "now", then covers every token issued so
/// far and none issued afterwards, even on a clock that does not move (virtual time).
/// </summary>
internal sealed record Revocation(EmulatorKey Key, string Type, string Value, long IssuedBefore, long AppliesAt, long LastSerial)
{
    public const string ClientIdType = "clientId";
    public const string RevocationKeyType = "revocationKey";

    /// <summary>The target types Ably documents for revocation: a token's clientId, or a JWT's x-ably-revocation-key.</summary>
    public static bool IsSupportedType(string type) => type is ClientIdType or RevocationKeyType;

    /// <summary>True if the rule designates <paramref name="token"/>, whether or not it applies yet.</summary>
    public bool Designates(TokenInfo token) =>
        ReferenceEquals(token.Key, Key)
        && (token.Issued < IssuedBefore || (token.Issued == IssuedBefore && token.Serial <= LastSerial))
        && Type switch
        {
            ClientIdType => token.ClientId == Value,
            RevocationKeyType => token.RevocationKey == Value,
            _ => false,
        };

    /// <summary>True if the rule revokes <paramref name="token"/> at <paramref name="nowMs"/>.</summary>
    public bool Revokes(TokenInfo token, long nowMs) => nowMs >= AppliesAt && Designates(token);
}
