using System.Security.Cryptography;

namespace Reliably.Rx.Randomness;

/// <summary>
/// Every random choice the client makes goes through here: RTB1 backoff jitter, RTL13b channel retry jitter, fallback
/// host order (RTN17h, RSC15a), ping ids (RTN13), idempotent message id bases (RSL1k1, TM2a), token request nonces
/// (RSA9c) and request ids (RSC7c). Without an injected <see cref="Random"/> (<see cref="ClientOptions.Random"/>)
/// jitter and orders come from <see cref="Random.Shared"/> and ids and nonces from the cryptographic generator; with
/// one, everything comes from it, so a seed gives the same choices, in the same order, on every run.
/// </summary>
/// <remarks>
/// An injected <see cref="Random"/> is not thread-safe and may be shared by several clients (options copied with
/// <c>with</c>): every use locks the instance itself, so wrappers around the same instance never race.
/// </remarks>
internal sealed class RandomSource
{
    private readonly Random? _random;

    public RandomSource(Random? random)
    {
        _random = random;
    }

    /// <summary>The source for the client's own randomness: <see cref="Random.Shared"/> and the cryptographic generator.</summary>
    public static RandomSource Default { get; } = new(null);

    /// <summary>A uniform value in [0, 1).</summary>
    public double NextDouble()
    {
        if (_random is null)
        {
            return Random.Shared.NextDouble();
        }

        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    /// <summary>A non-negative 64-bit value.</summary>
    public long NextInt64()
    {
        if (_random is null)
        {
            return Random.Shared.NextInt64();
        }

        lock (_random)
        {
            return _random.NextInt64();
        }
    }

    /// <summary>Shuffles <paramref name="values"/> in place.</summary>
    public void Shuffle<T>(T[] values)
    {
        if (_random is null)
        {
            Random.Shared.Shuffle(values);
            return;
        }

        lock (_random)
        {
            _random.Shuffle(values);
        }
    }

    /// <summary>Fills <paramref name="bytes"/> for ids and nonces: cryptographically random unless a Random was injected.</summary>
    public void Fill(Span<byte> bytes)
    {
        if (_random is null)
        {
            RandomNumberGenerator.Fill(bytes);
            return;
        }

        lock (_random)
        {
            _random.NextBytes(bytes);
        }
    }

    /// <summary><paramref name="count"/> random bytes as url-safe base64 without padding.</summary>
    public string UrlSafeId(int count)
    {
        Span<byte> bytes = stackalloc byte[count];
        Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary><paramref name="count"/> random bytes as lower-case hex.</summary>
    public string Hex(int count)
    {
        Span<byte> bytes = stackalloc byte[count];
        Fill(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }
}
