namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>The credentials a request or connection authenticated with.</summary>
internal sealed record AuthContext(EmulatorApp App, EmulatorKey Key, Capability Capability, string? ClientId, TokenInfo? Token)
{
    public bool IsBasic => Token is null;

    /// <summary>True if <paramref name="clientId"/> may be used to act (publish/enter) under these credentials (RSA7, RTL6g).</summary>
    public bool PermitsClientId(string clientId) => ClientId is null ? IsBasic : ClientId == "*" || ClientId == clientId;
}
