using System.Security.Cryptography;

namespace Reliably.Rx.Encryption;

/// <summary>
/// AES-CBC with PKCS#7 padding (RSE1, RSL5, PROTOCOL.md 3.4). The payload is <c>IV ‖ ciphertext</c> with a fresh
/// random 16-byte IV per message; <see cref="CipherParams.FixedIv"/> replaces it only to reproduce Ably's vectors.
/// </summary>
internal static class AesCbcCipher
{
    public const int BlockSize = 16;

    public static byte[] Encrypt(CipherParams cipher, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        using var aes = Aes.Create();
        aes.Key = cipher.Key;
        var length = aes.GetCiphertextLengthCbc(plaintext.Length, PaddingMode.PKCS7);
        var output = new byte[BlockSize + length];
        var iv = output.AsSpan(0, BlockSize);
        if (cipher.FixedIv is { } fixedIv)
        {
            fixedIv.AsSpan(0, BlockSize).CopyTo(iv);
        }
        else
        {
            RandomNumberGenerator.Fill(iv);
        }

        aes.EncryptCbc(plaintext, iv, output.AsSpan(BlockSize), PaddingMode.PKCS7);
        return output;
    }

    /// <summary>Decrypts <c>IV ‖ ciphertext</c>; null with a reason when the data is not a valid ciphertext for this key.</summary>
    public static byte[]? TryDecrypt(CipherParams cipher, ReadOnlySpan<byte> payload, out string? failure)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (payload.Length < 2 * BlockSize || payload.Length % BlockSize != 0)
        {
            failure = $"the ciphertext is {payload.Length} bytes, not an IV and a positive multiple of {BlockSize} bytes";
            return null;
        }

        try
        {
            using var aes = Aes.Create();
            aes.Key = cipher.Key;
            failure = null;
            return aes.DecryptCbc(payload[BlockSize..], payload[..BlockSize], PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            // Wrong key or corrupt data: the padding does not check out.
            failure = "the data could not be decrypted with this key (bad padding)";
            return null;
        }
    }
}
