using Newtonsoft.Json;
using JsonTokenType = System.Text.Json.JsonTokenType;
using Utf8JsonReader = System.Text.Json.Utf8JsonReader;
using Newtonsoft.Json.Linq;
using N = Reliably.Rx.Serialization.WireNames;

namespace Reliably.Rx.Serialization.Json;

/// <summary>Message (TM2), MessageVersion (TM2s) and PresenceMessage (TP3).</summary>
internal sealed partial class JsonProtocolCodec
{
    /// <summary>Reads the properties of a message after its StartObject.</summary>
    private static Message ReadMessageBody(ref Utf8JsonReader r, ref RepeatedStrings repeated)
    {
        string? id = default;
        string? name = default;
        object? data = default;
        string? encoding = default;
        string? clientId = default;
        string? connectionId = default;
        string? connectionKey = default;
        DateTimeOffset? timestamp = default;
        Newtonsoft.Json.Linq.JObject? extras = default;
        MessageAction? action = default;
        string? serial = default;
        MessageVersion? version = default;
        Newtonsoft.Json.Linq.JObject? annotations = default;
        while (JsonRead.NextProperty(ref r) is { } key)
        {
            switch (key)
            {
                case N.Id: id = JsonRead.String(ref r, key); break;
                case N.Name: name = JsonRead.String(ref r, key, ref repeated.NameBytes, ref repeated.Name); break;
                case N.Data: data = ReadData(ref r); break;
                case N.Encoding: encoding = JsonRead.String(ref r, key, ref repeated.EncodingBytes, ref repeated.Encoding); break;
                case N.ClientId: clientId = JsonRead.String(ref r, key, ref repeated.ClientIdBytes, ref repeated.ClientId); break;
                case N.ConnectionId: connectionId = JsonRead.String(ref r, key, ref repeated.ConnectionIdBytes, ref repeated.ConnectionId); break;
                case N.ConnectionKey: connectionKey = JsonRead.String(ref r, key); break;
                case N.Timestamp: timestamp = JsonRead.Int64(ref r, key) is { } ts ? WireTime.ToDateTimeOffset(ts, key) : null; break;
                case N.Extras: extras = JsonTree.Object(ref r, key); break;
                case N.Action: action = (MessageAction?)JsonRead.Int32(ref r, key); break;
                case N.Serial: serial = JsonRead.String(ref r, key); break;
                case N.Version: version = ReadVersion(ref r); break;
                case N.Annotations: annotations = JsonTree.Object(ref r, key); break;
                default: JsonRead.SkipValue(ref r); break;
            }
        }

        return Message.FromWire(id, name, data, encoding, clientId, connectionId, connectionKey, timestamp, extras, action, serial, version, annotations);
    }

    private static PresenceMessage ReadPresenceBody(ref Utf8JsonReader r, ref RepeatedStrings repeated)
    {
        string? id = default;
        PresenceAction action = default;
        string? clientId = default;
        string? connectionId = default;
        object? data = default;
        string? encoding = default;
        Newtonsoft.Json.Linq.JObject? extras = default;
        DateTimeOffset? timestamp = default;
        while (JsonRead.NextProperty(ref r) is { } key)
        {
            switch (key)
            {
                case N.Id: id = JsonRead.String(ref r, key); break;
                case N.Action: action = (PresenceAction)(JsonRead.Int32(ref r, key) ?? 0); break;
                case N.ClientId: clientId = JsonRead.String(ref r, key, ref repeated.ClientIdBytes, ref repeated.ClientId); break;
                case N.ConnectionId: connectionId = JsonRead.String(ref r, key, ref repeated.ConnectionIdBytes, ref repeated.ConnectionId); break;
                case N.Data: data = ReadData(ref r); break;
                case N.Encoding: encoding = JsonRead.String(ref r, key, ref repeated.EncodingBytes, ref repeated.Encoding); break;
                case N.Extras: extras = JsonTree.Object(ref r, key); break;
                case N.Timestamp: timestamp = JsonRead.Int64(ref r, key) is { } ts ? WireTime.ToDateTimeOffset(ts, key) : null; break;
                default: JsonRead.SkipValue(ref r); break;
            }
        }

        return PresenceMessage.FromWire(id, action, clientId, connectionId, data, encoding, extras, timestamp);
    }

    /// <summary>A JSON string stays a string; an object, array or other value (sent without the json step) stays a JToken.</summary>
    private static object? ReadData(ref Utf8JsonReader r)
    {
        JsonRead.Next(ref r);
        // The arms are typed as object on purpose: string converts implicitly to JToken, and a switch expression
        // typed as JToken would silently wrap every string in a JValue.
        return r.TokenType switch
        {
            JsonTokenType.String => (object)JsonRead.Text(ref r),
            JsonTokenType.Null => null,
            _ => (object)JsonTree.Read(ref r),
        };
    }

    private static MessageVersion? ReadVersion(ref Utf8JsonReader r)
    {
        JsonRead.Next(ref r);
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                // Protocol versions before 4 sent the version as a bare serial string.
                return new MessageVersion { Serial = JsonRead.Text(ref r) };
            case JsonTokenType.StartObject:
                break;
            default:
                throw CodecErrors.WrongType(N.Version, "an object", r.TokenType.ToString());
        }

        string? serial = null, clientId = null, description = null;
        DateTimeOffset? timestamp = null;
        Dictionary<string, string>? metadata = null;
        while (JsonRead.NextProperty(ref r) is { } name)
        {
            switch (name)
            {
                case N.Serial: serial = JsonRead.String(ref r, name); break;
                case N.Timestamp: timestamp = JsonRead.Int64(ref r, name) is { } ts ? WireTime.ToDateTimeOffset(ts, name) : null; break;
                case N.ClientId: clientId = JsonRead.String(ref r, name); break;
                case N.Description: description = JsonRead.String(ref r, name); break;
                case N.Metadata: metadata = JsonRead.StringMap(ref r, name); break;
                default: JsonRead.SkipValue(ref r); break;
            }
        }

        return new MessageVersion { Serial = serial, Timestamp = timestamp, ClientId = clientId, Description = description, Metadata = metadata };
    }

    private static void WriteMessage(JsonWriter w, Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var kind = WireData.Prepare(m.Data, m.Encoding, binaryAllowed: false, out var text, out _, out var encoding);
        w.WriteStartObject();
        WriteIfNotNull(w, N.Id, m.Id);
        WriteIfNotNull(w, N.Name, m.Name);
        if (kind != WireDataKind.None)
        {
            w.WritePropertyName(N.Data);
            w.WriteValue(text);
        }

        WriteIfNotNull(w, N.Encoding, encoding);
        WriteIfNotNull(w, N.ClientId, m.ClientId);
        WriteIfNotNull(w, N.ConnectionId, m.ConnectionId);
        WriteIfNotNull(w, N.ConnectionKey, m.ConnectionKey);
        WriteIfNotNull(w, N.Timestamp, m.Timestamp is { } ts ? WireTime.ToMs(ts) : null);
        if (m.Extras is { } extras)
        {
            w.WritePropertyName(N.Extras);
            extras.WriteTo(w);
        }

        WriteIfNotNull(w, N.Action, (int?)m.Action);
        WriteIfNotNull(w, N.Serial, m.Serial);
        if (m.Version is { } v)
        {
            w.WritePropertyName(N.Version);
            w.WriteStartObject();
            WriteIfNotNull(w, N.Serial, v.Serial);
            WriteIfNotNull(w, N.Timestamp, v.Timestamp is { } vts ? WireTime.ToMs(vts) : null);
            WriteIfNotNull(w, N.ClientId, v.ClientId);
            WriteIfNotNull(w, N.Description, v.Description);
            WriteStringMap(w, N.Metadata, v.Metadata);
            w.WriteEndObject();
        }

        if (m.Annotations?.ToWire() is { } annotations)
        {
            w.WritePropertyName(N.Annotations);
            annotations.WriteTo(w);
        }

        w.WriteEndObject();
    }

    private static void WritePresenceMessage(JsonWriter w, PresenceMessage p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var kind = WireData.Prepare(p.Data, p.Encoding, binaryAllowed: false, out var text, out _, out var encoding);
        w.WriteStartObject();
        WriteIfNotNull(w, N.Id, p.Id);
        w.WritePropertyName(N.Action);
        w.WriteValue((int)p.Action);
        WriteIfNotNull(w, N.ClientId, p.ClientId);
        WriteIfNotNull(w, N.ConnectionId, p.ConnectionId);
        if (kind != WireDataKind.None)
        {
            w.WritePropertyName(N.Data);
            w.WriteValue(text);
        }

        WriteIfNotNull(w, N.Encoding, encoding);
        if (p.Extras is { } extras)
        {
            w.WritePropertyName(N.Extras);
            extras.WriteTo(w);
        }

        WriteIfNotNull(w, N.Timestamp, p.Timestamp is { } ts ? WireTime.ToMs(ts) : null);
        w.WriteEndObject();
    }
}
