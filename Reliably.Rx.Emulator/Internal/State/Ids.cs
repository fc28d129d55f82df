using System.Security.Cryptography;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Random identifiers (app ids, keys, secrets, connection ids and keys, tokens, channel epochs, sync ids). Alphanumeric
/// only, so they never contain ':' (RSC1a) or '!' (connection key separator). Cryptographically random, unless the server
/// was given a seeded <see cref="Random"/> (<see cref="EmulatorOptions.Random"/>), in which case every id follows from the
/// seed, in the order they are made: an in-memory server on a virtual clock then gives the same ids on every run.
/// </summary>
internal sealed class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private readonly Random? _random;

    public Ids(Random? random)
    {
        _random = random;
    }

    public string Alnum(int length)
    {
        if (_random is null)
        {
            return RandomNumberGenerator.GetString(Alphabet, length);
        }

        lock (_random)
        {
            return string.Create(length, _random, static (chars, random) =>
            {
                for (var i = 0; i < chars.Length; i++)
                {
                    chars[i] = Alphabet[random.Next(Alphabet.Length)];
                }
            });
        }
    }

    public string Hex(int bytes)
    {
        var buffer = new byte[bytes];
        if (_random is null)
        {
            RandomNumberGenerator.Fill(buffer);
        }
        else
        {
            lock (_random)
            {
                _random.NextBytes(buffer);
            }
        }

        return Convert.ToHexString(buffer).ToLowerInvariant();
    }
}
