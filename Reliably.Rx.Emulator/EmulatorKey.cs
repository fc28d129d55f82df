namespace Reliably.Rx.Emulator;

/// <summary>An API key of an emulated app.</summary>
/// <param name="AppId">The app id.</param>
/// <param name="KeyId">The key id (the part after the dot in the key name).</param>
/// <param name="Secret">The key secret.</param>
/// <param name="Capability">The key's capability JSON, e.g. <c>{"*":["*"]}</c>.</param>
public sealed record EmulatorKey(string AppId, string KeyId, string Secret, string Capability)
{
    /// <summary>The key name, <c>appId.keyId</c>.</summary>
    public string KeyName => AppId + "." + KeyId;

    /// <summary>The full key string, <c>appId.keyId:secret</c>, as passed to ClientOptions.key.</summary>
    public string KeyString => KeyName + ":" + Secret;

    /// <summary>Whether tokens issued with this key are revocable (sandbox <c>revocableTokens</c>).</summary>
    public bool RevocableTokens { get; init; }

    internal Internal.Auth.Capability ParsedCapability { get; init; } = Internal.Auth.Capability.All;

    /// <inheritdoc />
    public override string ToString() => KeyName;
}
