using System.Security.Cryptography;

namespace Reliably.Rx.Encryption;

/// <summary>
/// AES-CBC with PKCS#7 padding (RSE1, RSL5, PROTOCOL.md 3.4). The payload is <c>IV ‖ ciphertext</c> with a fresh
/// random 16-byte IV per message; <see cref="CipherParams.FixedIv"/> replaces it only to reproduce Ably's vectors.
/// </summary>
internal static class AesCbcCipher
{
    public const int BlockSize = 16;

    /// <summary>
    /// One cached <see cref="Aes"/> per <see cref="CipherParams"/> instance (keyed by reference, so a record copy made
    /// with <c>with</c> gets its own), with the key set once: creating an <see cref="Aes"/> and setting its key for every
    /// message cost more than the AES rounds (F6 in docs/benchmarks.md). An instance is used by one thread at a time:
    /// publishers encrypt on their own threads while the loop decrypts, so a concurrent caller that finds the slot empty
    /// creates a temporary instance instead of waiting.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CipherParams, AesSlot> Slots = new();

    public static byte[] Encrypt(CipherParams cipher, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        var slot = Slots.GetValue(cipher, static c => new AesSlot(c));
        var aes = slot.Rent();
        try
        {
            return Encrypt(aes, cipher, plaintext);
        }
        finally
        {
            slot.Return(aes);
        }
    }

    private static byte[] Encrypt(Aes aes, CipherParams cipher, ReadOnlySpan<byte> plaintext)
    {
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

        var slot = Slots.GetValue(cipher, static c => new AesSlot(c));
        var aes = slot.Rent();
        try
        {
            failure = null;
            return aes.DecryptCbc(payload[BlockSize..], payload[..BlockSize], PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            // Wrong key or corrupt data: the padding does not check out.
            failure = "the data could not be decrypted with this key (bad padding)";
            return null;
        }
        finally
        {
            slot.Return(aes);
        }
    }

    private sealed class AesSlot
    {
        private readonly CipherParams _cipher;
        private Aes? _cached;

        public AesSlot(CipherParams cipher) => _cipher = cipher;

        public Aes Rent()
        {
            if (Interlocked.Exchange(ref _cached, null) is { } aes)
            {
                return aes;
            }

            aes = Aes.Create();
#if NET9_0_OR_GREATER
            aes.SetKey(_cipher.KeySpan);
#else
            // net8.0 has no SetKey(span): the key is copied once per cached instance, not per message.
            aes.Key = _cipher.KeySpan.ToArray();
#endif
            return aes;
        }

        public void Return(Aes aes)
        {
            if (Interlocked.CompareExchange(ref _cached, aes, null) is not null)
            {
                aes.Dispose();
            }
        }
    }
}
