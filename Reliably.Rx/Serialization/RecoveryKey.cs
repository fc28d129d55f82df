using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The recovery key (RTN16g): a client-side JSON document with the connectionKey, the next msgSerial and each
/// channel's serial. Opaque to users.
/// </summary>
internal sealed record RecoveryKey(string ConnectionKey, long MsgSerial, IReadOnlyDictionary<string, string> ChannelSerials)
{
    public string Serialize()
    {
        var channels = new JObject();
        foreach (var (name, serial) in ChannelSerials)
        {
            channels[name] = serial;
        }

        var doc = new JObject
        {
            ["connectionKey"] = ConnectionKey,
            ["msgSerial"] = MsgSerial,
            ["channelSerials"] = channels,
        };
        return doc.ToString(Formatting.None);
    }

    /// <summary>Parses a recovery key; null when it is not one (RTN16f1: an invalid key is logged and ignored).</summary>
    public static RecoveryKey? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            if (JToken.Parse(text) is not JObject doc
                || doc["connectionKey"] is not JValue { Type: JTokenType.String } key
                || doc["msgSerial"] is not JValue { Type: JTokenType.Integer } serial)
            {
                return null;
            }

            var channels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (doc["channelSerials"] is JObject serials)
            {
                foreach (var property in serials.Properties())
                {
                    if (property.Value is JValue { Type: JTokenType.String } value)
                    {
                        channels[property.Name] = (string)value!;
                    }
                }
            }

            var msgSerial = (long)serial;
            return msgSerial < 0 ? null : new RecoveryKey((string)key!, msgSerial, channels);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
