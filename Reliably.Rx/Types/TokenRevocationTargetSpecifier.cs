namespace Reliably.Rx;

/// <summary>
/// Which tokens a revocation applies to (TRT): a <see cref="Type"/> such as <c>clientId</c> or <c>revocationKey</c> and
/// its <see cref="Value"/>; sent as <c>type:value</c> (RSA17b).
/// </summary>
/// <param name="Type">The kind of target (TRT2a): <c>clientId</c>, <c>revocationKey</c>, <c>channel</c>, or another type the server knows.</param>
/// <param name="Value">The value of that kind (TRT2b), e.g. the clientId whose tokens are revoked.</param>
public sealed record TokenRevocationTargetSpecifier(string Type, string Value)
{
    /// <summary>Every token issued to <paramref name="clientId"/>.</summary>
    /// <param name="clientId">The clientId the tokens are bound to.</param>
    public static TokenRevocationTargetSpecifier ClientId(string clientId) => new("clientId", clientId);

    /// <summary>Every JWT carrying the claim <c>x-ably-revocation-key</c> with this value.</summary>
    /// <param name="revocationKey">The value of the JWT's revocation key claim.</param>
    public static TokenRevocationTargetSpecifier RevocationKey(string revocationKey) => new("revocationKey", revocationKey);

    /// <summary>The specifier as sent in the request's <c>targets</c> (RSA17b): <c>type:value</c>.</summary>
    public override string ToString() => Type + ":" + Value;
}
