using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>Splits <c>appId.keyId:secret</c> key strings.</summary>
internal static class KeyParser
{
    public static (string AppId, string KeyName, string Secret) Parse(string key)
    {
        var colon = key.IndexOf(':');
        var keyName = colon > 0 ? key[..colon] : string.Empty;
        var dot = keyName.IndexOf('.');
        if (colon <= 0 || colon == key.Length - 1 || dot <= 0 || dot == keyName.Length - 1)
        {
            throw new AblyException(40005, 400, "Invalid key format; expected appId.keyId:secret");
        }

        return (keyName[..dot], keyName, key[(colon + 1)..]);
    }
}
