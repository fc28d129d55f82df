using Reliably.Rx.Encryption;

namespace Reliably.Rx.Tests.Encryption;

/// <summary>CipherParams and AES-CBC (RSE1, RSE2, RSL5).</summary>
public sealed class CipherTests
{
    [Test]
    public void RSE1c_FromBase64_AcceptsBase64AndBase64Url()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 37 + 250)).ToArray();
        var b64 = Convert.ToBase64String(key);
        Assert.That(b64, Does.Contain("+").Or.Contain("/"), "the key must exercise the url-safe characters");
        var url = b64.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        Assert.That(CipherParams.FromBase64(b64).Key, Is.EqualTo(key));
        Assert.That(CipherParams.FromBase64(url).Key, Is.EqualTo(key));
        Assert.That(CipherParams.FromBase64(url).KeyLength, Is.EqualTo(256));
    }

    [TestCase("not base64 at all!")]
    [TestCase("AAAA")]
    public void RSE1_InvalidOrWrongLengthKey_Is40003(string key)
    {
        var ex = Assert.Throws<AblyException>(() => CipherParams.FromBase64(key));
        Assert.That(ex!.Code, Is.EqualTo(40003));
    }

    [Test]
    public void RSE2_GenerateRandomKey_Defaults256AndSupports128()
    {
        Assert.That(CipherParams.GenerateRandomKey(), Has.Length.EqualTo(32));
        Assert.That(CipherParams.GenerateRandomKey(128), Has.Length.EqualTo(16));
        Assert.That(CipherParams.GenerateRandomKey(), Is.Not.EqualTo(CipherParams.GenerateRandomKey()));
        Assert.That(Assert.Throws<AblyException>(() => CipherParams.GenerateRandomKey(192))!.Code, Is.EqualTo(40003));
    }

    [Test]
    public void RSL5_EachEncryptionUsesAFreshIv_AndPrependsIt()
    {
        var cipher = new CipherParams(CipherParams.GenerateRandomKey());
        var plain = System.Text.Encoding.UTF8.GetBytes("same plaintext");
        var a = AesCbcCipher.Encrypt(cipher, plain);
        var b = AesCbcCipher.Encrypt(cipher, plain);
        Assert.That(a[..16], Is.Not.EqualTo(b[..16]));
        Assert.That(AesCbcCipher.TryDecrypt(cipher, a, out _), Is.EqualTo(plain));
        Assert.That(AesCbcCipher.TryDecrypt(cipher, b, out _), Is.EqualTo(plain));
    }

    [Test]
    public void RSL5_Pkcs7_RoundTripsEveryLengthAcrossBlockBoundaries([Values(128, 256)] int keyLength)
    {
        var cipher = new CipherParams(CipherParams.GenerateRandomKey(keyLength));
        for (var n = 0; n <= 48; n++)
        {
            var plain = Enumerable.Range(0, n).Select(i => (byte)i).ToArray();
            var encrypted = AesCbcCipher.Encrypt(cipher, plain);
            Assert.That(encrypted.Length, Is.EqualTo(16 + ((n / 16) + 1) * 16), $"length {n}");
            Assert.That(AesCbcCipher.TryDecrypt(cipher, encrypted, out var failure), Is.EqualTo(plain), failure);
        }
    }

    [Test]
    public void RSL5_CorruptCiphertext_IsAFailureNotAnException()
    {
        // Fixed key and IV: a corrupted last block fails the padding check deterministically (a random key would
        // produce valid-looking padding about once in 256 runs).
        var cipher = new CipherParams(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()) { FixedIv = new byte[16] };
        var encrypted = AesCbcCipher.Encrypt(cipher, new byte[20]);
        encrypted[^1] ^= 0xff;
        Assert.That(AesCbcCipher.TryDecrypt(cipher, encrypted, out var failure), Is.Null);
        Assert.That(failure, Is.Not.Null);
    }
}
