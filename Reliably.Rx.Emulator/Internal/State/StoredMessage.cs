using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A published message as the channel keeps it: its fields as strings and numbers, its data as the string or bytes it
/// arrived as, and only what the emulator does not interpret (extras, unknown fields) as a tree. Publishing, history,
/// resume and fan-out read it directly; a <see cref="JObject"/> is built from it only for the paths that read trees
/// (REST reads, changes, fault rules and the frame log). Canonical form: binary data is bytes (PROTOCOL.md 3.3).
/// Mutable while a publish is being checked and stamped; never changed once the channel has stored it.
/// </summary>
internal sealed class StoredMessage
{
    /// <summary>TM2a.</summary>
    public string? Id { get; set; }

    /// <summary>TM2b.</summary>
    public string? ClientId { get; set; }

    /// <summary>TM2c.</summary>
    public string? ConnectionId { get; set; }

    /// <summary>TM2g.</summary>
    public string? Name { get; set; }

    /// <summary>TM2e; the trailing base64 step is removed on ingress.</summary>
    public string? Encoding { get; set; }

    /// <summary>TM2d: a string, a byte array, or any other value as a <see cref="JToken"/> (an explicit null included).</summary>
    public object? Data { get; set; }

    /// <summary>TM2f, when the message has one.</summary>
    public long? Timestamp { get; set; }

    /// <summary>TM2r, stamped by the channel.</summary>
    public string? Serial { get; set; }

    /// <summary>TM2j, stamped by the channel (a published message is a <c>message.create</c>).</summary>
    public int? Action { get; set; }

    /// <summary>Every other field (extras, version, unknown ones), passed through untouched; null when there is none.</summary>
    public JObject? Others { get; set; }

    /// <summary>
    /// The compact form of a message tree. String fields that are null are left out, as if absent; any other non-string
    /// value in one of them is refused (40000), since the emulator could not interpret it as Ably does. A timestamp or
    /// action that is not an integer is dropped.
    /// </summary>
    public static StoredMessage FromTree(JObject tree)
    {
        var message = new StoredMessage();
        foreach (var property in tree.Properties())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "id":
                    message.Id = Text(property);
                    break;
                case "clientId":
                    message.ClientId = Text(property);
                    break;
                case "connectionId":
                    message.ConnectionId = Text(property);
                    break;
                case "name":
                    message.Name = Text(property);
                    break;
                case "encoding":
                    message.Encoding = Text(property);
                    break;
                case "serial":
                    message.Serial = Text(property);
                    break;
                case "data":
                    message.Data = value is JValue { Value: string or byte[] } v ? v.Value : value.DeepClone();
                    break;
                // A timestamp or action that is not an integer is no timestamp or action: the channel stamps its own.
                case "timestamp":
                    message.Timestamp = value.Type == JTokenType.Integer ? (long)value : null;
                    break;
                case "action":
                    message.Action = value.Type == JTokenType.Integer && (long)value is >= int.MinValue and <= int.MaxValue ? (int)value : null;
                    break;
                default:
                    message.AddOther(property.Name, value.DeepClone());
                    break;
            }
        }

        return message;
    }

    /// <summary>Keeps a field the emulator does not interpret; the last of repeated names wins, as in a tree.</summary>
    public void AddOther(string name, JToken value) => (Others ??= [])[name] = value;

    /// <summary>The message as a tree, in canonical form (binary as bytes); a new tree on every call.</summary>
    public JObject ToTree()
    {
        var tree = new JObject();
        Add(tree, "id", Id);
        Add(tree, "clientId", ClientId);
        Add(tree, "connectionId", ConnectionId);
        Add(tree, "name", Name);
        switch (Data)
        {
            case null:
                break;
            case JToken token:
                tree["data"] = token.DeepClone();
                break;
            default:
                tree["data"] = new JValue(Data);
                break;
        }

        Add(tree, "encoding", Encoding);
        if (Others is not null)
        {
            foreach (var property in Others.Properties())
            {
                tree[property.Name] = property.Value.DeepClone();
            }
        }

        if (Timestamp is { } timestamp)
        {
            tree["timestamp"] = timestamp;
        }

        Add(tree, "serial", Serial);
        if (Action is { } action)
        {
            tree["action"] = action;
        }

        return tree;
    }

    /// <summary>PROTOCOL.md 3.3: a trailing <c>base64</c> encoding step is decoded on ingress, so binary is kept as bytes.</summary>
    public void Ingress()
    {
        if (string.IsNullOrEmpty(Encoding) || Data is not string text || !Encoding.EndsWith("base64", StringComparison.Ordinal))
        {
            return;
        }

        var slash = Encoding.LastIndexOf('/');
        if (Encoding.Length - slash - 1 != "base64".Length)
        {
            return;
        }

        try
        {
            Data = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new AblyException(40013, 400, "Invalid message data or encoding: data is not valid base64");
        }

        Encoding = slash < 0 ? null : Encoding[..slash];
    }

    /// <summary>The message size per TM6: name, data, clientId and extras, in UTF-8 bytes.</summary>
    public long Size()
    {
        long size = Utf8(Name) + Utf8(ClientId);
        size += Data switch
        {
            null => 0,
            string text => Utf8(text),
            byte[] bytes => bytes.Length,
            JToken token => DataCodec.TokenSize(token),
            _ => 0,
        };
        if (Others?["extras"] is { Type: not JTokenType.Null } extras)
        {
            size += Utf8(extras.ToString(Formatting.None));
        }

        return size;
    }

    private static int Utf8(string? s) => s is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(s);

    private static string? Text(JProperty property) => property.Value.Type switch
    {
        JTokenType.String => (string?)property.Value,
        JTokenType.Null => null,
        _ => throw new AblyException(40000, 400, $"Invalid message: {property.Name} must be a string"),
    };

    private static void Add(JObject tree, string name, string? value)
    {
        if (value is not null)
        {
            tree[name] = value;
        }
    }
}
