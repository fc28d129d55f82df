using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// The server's only transformation of message payloads (PROTOCOL.md 3.3): a trailing <c>base64</c> step is decoded on
/// ingress so binary is stored canonically, and re-applied on JSON egress. Everything else passes through untouched;
/// the server never decrypts.
/// </summary>
internal static class DataCodec
{
    /// <summary>Normalises one inbound Message or PresenceMessage in place.</summary>
    public static void Ingress(JObject message)
    {
        var encoding = message.Value<string?>("encoding");
        var data = message["data"];
        if (string.IsNullOrEmpty(encoding) || data is null || data.Type != JTokenType.String)
        {
            return;
        }

        var steps = encoding.Split('/');
        if (steps[^1] != "base64")
        {
            return;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String((string)data!);
        }
        catch (FormatException)
        {
            throw new AblyException(40013, 400, "Invalid message data or encoding: data is not valid base64");
        }

        message["data"] = new JValue(bytes);
        var rest = string.Join('/', steps, 0, steps.Length - 1);
        if (rest.Length == 0)
        {
            message.Remove("encoding");
        }
        else
        {
            message["encoding"] = rest;
        }
    }

    /// <summary>Returns the message as it must appear in the given format (a copy when the JSON form differs).</summary>
    public static JObject Egress(JObject message, WireFormat format)
    {
        if (format == WireFormat.MsgPack || message["data"] is not JValue { Type: JTokenType.Bytes } value)
        {
            return message;
        }

        var copy = (JObject)message.DeepClone();
        copy["data"] = Convert.ToBase64String((byte[]?)value.Value ?? []);
        var encoding = message.Value<string?>("encoding");
        copy["encoding"] = string.IsNullOrEmpty(encoding) ? "base64" : encoding + "/base64";
        return copy;
    }

    /// <summary>Egress for a whole ProtocolMessage: fixes up its messages/presence arrays.</summary>
    public static JToken EgressProtocolMessage(JObject pm, WireFormat format)
    {
        if (format == WireFormat.MsgPack)
        {
            return pm;
        }

        JObject? copy = null;
        foreach (var field in new[] { "messages", "presence", "annotations" })
        {
            if (pm[field] is not JArray items || !items.Any(i => i is JObject o && o["data"]?.Type == JTokenType.Bytes))
            {
                continue;
            }

            copy ??= (JObject)pm.DeepClone();
            copy[field] = new JArray(items.Select(i => i is JObject o ? Egress(o, format) : i));
        }

        return copy ?? pm;
    }

    /// <summary>Egress for a REST array of messages or presence messages.</summary>
    public static JArray EgressArray(IEnumerable<JObject> items, WireFormat format) =>
        new(items.Select(i => Egress(i, format)));

    /// <summary>The message size per TM6: name, data, clientId and extras, in bytes.</summary>
    public static long Size(JObject message)
    {
        long size = 0;
        size += Utf8(message.Value<string?>("name"));
        size += Utf8(message.Value<string?>("clientId"));
        if (message["data"] is { } data)
        {
            size += TokenSize(data);
        }

        if (message["extras"] is { Type: not JTokenType.Null } extras)
        {
            size += Utf8(extras.ToString(Formatting.None));
        }

        return size;
    }

    /// <summary>The TM6 size of a data value: bytes count as themselves, a string as its UTF-8, anything else as its JSON.</summary>
    public static long TokenSize(JToken data) => data is JValue v
        ? v.Type switch
        {
            JTokenType.Bytes => ((byte[]?)v.Value)?.Length ?? 0,
            JTokenType.String => Utf8((string?)v.Value),
            JTokenType.Null => 0,
            _ => Utf8(v.ToString(Formatting.None)),
        }
        : Utf8(data.ToString(Formatting.None));

    private static int Utf8(string? s) => s is null ? 0 : Encoding.UTF8.GetByteCount(s);
}
