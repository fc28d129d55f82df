using BenchmarkDotNet.Attributes;
using Reliably.Rx.Encryption;

namespace Reliably.Rx.Benchmarks.Payload;

/// <summary>
/// AES-CBC on a 100-byte payload (the UTF-8 bytes of a 100-character string), 128- and 256-bit keys: the cipher alone,
/// as <c>PayloadTransform</c> calls it per message (a new <c>Aes</c> object per call, a fresh random IV per encryption).
/// </summary>
[MemoryDiagnoser]
public class AesCipherBenchmarks
{
    private CipherParams _cipher = null!;
    private byte[] _plaintext = null!;
    private byte[] _ciphertext = null!;

    [Params(128, 256)]
    public int KeyBits { get; set; } = 256;

    [GlobalSetup]
    public void Setup()
    {
        _cipher = new CipherParams(CipherParams.GenerateRandomKey(KeyBits));
        _plaintext = System.Text.Encoding.UTF8.GetBytes(new string('x', 90) + "0123456789");
        _ciphertext = AesCbcCipher.Encrypt(_cipher, _plaintext);
    }

    [Benchmark]
    public int Encrypt() => AesCbcCipher.Encrypt(_cipher, _plaintext).Length;

    [Benchmark]
    public int Decrypt() => AesCbcCipher.TryDecrypt(_cipher, _ciphertext, out _)!.Length;
}
