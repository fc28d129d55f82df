using System.Security.Cryptography;

namespace Reliably.Rx;

/// <summary>
/// Encryption parameters for a channel (RSE1, TZ): AES in CBC mode with PKCS#7 padding and a 128- or 256-bit key.
/// Each message is encrypted with a fresh random IV that is prepended to the ciphertext (RSL5).
/// </summary>
public sealed record CipherParams
{
    private readonly byte[] _key;

    /// <summary>Creates parameters for a raw key of 16 or 32 bytes.</summary>
    /// <exception cref="AblyException">40003 when the key has another length.</exception>
    public CipherParams(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is not (16 or 32))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400,
                $"A cipher key must be 128 or 256 bits; this one is {key.Length * 8} bits.");
        }

        _key = (byte[])key.Clone();
    }

    /// <summary>The algorithm: always <c>aes</c>.</summary>
    public string Algorithm => "aes";

    /// <summary>The mode: always <c>cbc</c>.</summary>
    public string Mode => "cbc";

    /// <summary>The key length in bits: 128 or 256.</summary>
    public int KeyLength => _key.Length * 8;

    /// <summary>The encoding step this cipher adds, for example <c>cipher+aes-256-cbc</c>.</summary>
    public string EncodingStep => $"cipher+aes-{KeyLength}-cbc";

    /// <summary>A copy of the key.</summary>
    public byte[] Key => (byte[])_key.Clone();

    /// <summary>
    /// A fixed IV, for reproducing Ably's test vectors only. Never set it in production: reusing an IV leaks
    /// information about the plaintext.
    /// </summary>
    internal byte[]? FixedIv { get; init; }

    internal ReadOnlySpan<byte> KeySpan => _key;

    /// <summary>Parameters for a key given as base64 or base64url text (RSE1c).</summary>
    /// <exception cref="AblyException">40003 when the text is not base64 or the key length is wrong.</exception>
    public static CipherParams FromBase64(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var normalized = key.Trim().Replace('-', '+').Replace('_', '/');
        normalized = normalized.PadRight(normalized.Length + ((4 - (normalized.Length % 4)) % 4), '=');
        try
        {
            return new CipherParams(Convert.FromBase64String(normalized));
        }
        catch (FormatException ex)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The cipher key is not valid base64 or base64url.", ex);
        }
    }

    /// <summary>A new random key (RSE2); 256 bits unless asked for 128.</summary>
    public static byte[] GenerateRandomKey(int keyLength = 256)
    {
        if (keyLength is not (128 or 256))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Key length must be 128 or 256 bits.");
        }

        return RandomNumberGenerator.GetBytes(keyLength / 8);
    }

    /// <inheritdoc />
    public bool Equals(CipherParams? other) => other is not null && _key.AsSpan().SequenceEqual(other._key);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(KeyLength, _key[0], _key[^1]);

    /// <inheritdoc />
    public override string ToString() => $"CipherParams {{ {Algorithm}-{KeyLength}-{Mode} }}";
}
