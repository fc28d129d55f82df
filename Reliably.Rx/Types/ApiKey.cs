namespace Reliably.Rx.Auth;

/// <summary>A parsed API key, <c>appId.keyId:secret</c> (RSA11). <see cref="ToString"/> never reveals the secret.</summary>
internal sealed record ApiKey(string KeyName, string Secret)
{
    /// <summary>The full key string as given to Basic auth (RSA11).</summary>
    public string Full => KeyName + ":" + Secret;

    /// <summary>Parses a key.</summary>
    /// <exception cref="AblyException">40005 when the key is not <c>appId.keyId:secret</c>.</exception>
    public static ApiKey Parse(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw Invalid();
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == key.Length - 1 || key.IndexOf(':', colon + 1) >= 0)
        {
            throw Invalid();
        }

        var keyName = key[..colon];
        var secret = key[(colon + 1)..];
        var dot = keyName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == keyName.Length - 1 || keyName.Any(char.IsWhiteSpace) || secret.Any(char.IsWhiteSpace))
        {
            throw Invalid();
        }

        return new ApiKey(keyName, secret);
    }

    /// <inheritdoc />
    public override string ToString() => $"ApiKey {{ {KeyName} }}";

    // The message deliberately does not echo the key: it may hold a real secret.
    private static AblyException Invalid() =>
        new(ErrorCodes.InvalidKey, 401, "Invalid key: an API key has the form 'appId.keyId:secret'.");
}
