using System.Security.Cryptography;
using System.Text;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Connection keys (<c>connectionId!random-tag</c>) carry a tag keyed by a per-server secret, so a resume or recover
/// with a key this server never issued is told apart from one whose connection has expired: the first is refused as
/// invalid (80018), the second as unrecoverable (80008), as Ably does (RTN15c7, RTN16d).
/// </summary>
internal static class ConnectionKeys
{
    private const int TagLength = 10;

    /// <param name="secret">The server's key-signing secret.</param>
    /// <param name="connectionId">The connection the key belongs to.</param>
    /// <param name="unique">A fresh random part, so every key issued to a connection differs.</param>
    public static string Issue(byte[] secret, string connectionId, string unique)
    {
        var body = connectionId + "!" + unique;
        return body + "-" + Tag(secret, body);
    }

    /// <summary>True if this server issued the key (whether or not its connection still exists).</summary>
    public static bool IsGenuine(byte[] secret, string key)
    {
        var dash = key.LastIndexOf('-');
        if (dash <= 0 || key.IndexOf('!') is var bang && (bang <= 0 || bang > dash))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Tag(secret, key[..dash]));
        var actual = Encoding.ASCII.GetBytes(key[(dash + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static string Tag(byte[] secret, string body)
    {
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(body));
        var text = Convert.ToBase64String(mac).Replace('+', 'A').Replace('/', 'B');
        return text[..TagLength];
    }
}
