using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using N = Reliably.Rx.Serialization.WireNames;

namespace Reliably.Rx.Serialization.Json;

/// <summary>Message (TM2), MessageVersion (TM2s) and PresenceMessage (TP3).</summary>
internal sealed partial class JsonProtocolCodec
{
    /// <summary>Reads array elements after the StartArray; null elements are dropped.</summary>
    private static Message[] ReadMessageArrayBody(JsonReader r)
    {
        var list = new List<Message>();
        while (JsonRead.NextElement(r))
        {
            switch (r.TokenType)
            {
                case JsonToken.StartObject: list.Add(ReadMessageBody(r)); break;
                case JsonToken.Null or JsonToken.Undefined: break;
                default: throw CodecErrors.WrongType(N.Messages, "an array of objects", r.TokenType.ToString());
            }
        }

        return list.ToArray();
    }

    private static PresenceMessage[] ReadPresenceArrayBody(JsonReader r)
    {
        var list = new List<PresenceMessage>();
        while (JsonRead.NextElement(r))
        {
            switch (r.TokenType)
            {
                case JsonToken.StartObject: list.Add(ReadPresenceBody(r)); break;
                case JsonToken.Null or JsonToken.Undefined: break;
                default: throw CodecErrors.WrongType(N.Presence, "an array of objects", r.TokenType.ToString());
            }
        }

        return list.ToArray();
    }

    /// <summary>Reads the properties of a message after its StartObject.</summary>
    private static Message ReadMessageBody(JsonReader r)
    {
        var m = new Message();
        while (JsonRead.NextProperty(r) is { } name)
        {
            switch (name)
            {
                case N.Id: m.Id = JsonRead.String(r, name); break;
                case N.Name: m.Name = JsonRead.String(r, name); break;
                case N.Data: m.Data = ReadData(r); break;
                case N.Encoding: m.Encoding = JsonRead.String(r, name); break;
                case N.ClientId: m.ClientId = JsonRead.String(r, name); break;
                case N.ConnectionId: m.ConnectionId = JsonRead.String(r, name); break;
                case N.ConnectionKey: m.ConnectionKey = JsonRead.String(r, name); break;
                case N.Timestamp: m.Timestamp = JsonRead.Int64(r, name) is { } ts ? WireTime.ToDateTimeOffset(ts, name) : null; break;
                case N.Extras: m.Extras = JsonRead.Object(r, name); break;
                case N.Action: m.Action = (MessageAction?)JsonRead.Int32(r, name); break;
                case N.Serial: m.Serial = JsonRead.String(r, name); break;
                case N.Version: m.Version = ReadVersion(r); break;
                case N.Annotations: m.Annotations = JsonRead.Object(r, name); break;
                default: JsonRead.SkipValue(r); break;
            }
        }

        return m;
    }

    private static PresenceMessage ReadPresenceBody(JsonReader r)
    {
        var p = new PresenceMessage();
        while (JsonRead.NextProperty(r) is { } name)
        {
            switch (name)
            {
                case N.Id: p.Id = JsonRead.String(r, name); break;
                case N.Action: p.Action = (PresenceAction)(JsonRead.Int32(r, name) ?? 0); break;
                case N.ClientId: p.ClientId = JsonRead.String(r, name); break;
                case N.ConnectionId: p.ConnectionId = JsonRead.String(r, name); break;
                case N.Data: p.Data = ReadData(r); break;
                case N.Encoding: p.Encoding = JsonRead.String(r, name); break;
                case N.Extras: p.Extras = JsonRead.Object(r, name); break;
                case N.Timestamp: p.Timestamp = JsonRead.Int64(r, name) is { } ts ? WireTime.ToDateTimeOffset(ts, name) : null; break;
                default: JsonRead.SkipValue(r); break;
            }
        }

        return p;
    }

    /// <summary>A JSON string stays a string; an object, array or other value (sent without the json step) stays a JToken.</summary>
    private static object? ReadData(JsonReader r)
    {
        JsonRead.Next(r);
        // The arms are typed as object on purpose: string converts implicitly to JToken, and a switch expression
        // typed as JToken would silently wrap every string in a JValue.
        return r.TokenType switch
        {
            JsonToken.String => (object)(string)r.Value!,
            JsonToken.Null or JsonToken.Undefined => null,
            _ => (object)JToken.ReadFrom(r),
        };
    }

    private static MessageVersion? ReadVersion(JsonReader r)
    {
        JsonRead.Next(r);
        switch (r.TokenType)
        {
            case JsonToken.Null or JsonToken.Undefined:
                return null;
            case JsonToken.String:
                // Protocol versions before 4 sent the version as a bare serial string.
                return new MessageVersion { Serial = (string)r.Value! };
            case JsonToken.StartObject:
                break;
            default:
                throw CodecErrors.WrongType(N.Version, "an object", r.TokenType.ToString());
        }

        string? serial = null, clientId = null, description = null;
        DateTimeOffset? timestamp = null;
        Dictionary<string, string>? metadata = null;
        while (JsonRead.NextProperty(r) is { } name)
        {
            switch (name)
            {
                case N.Serial: serial = JsonRead.String(r, name); break;
                case N.Timestamp: timestamp = JsonRead.Int64(r, name) is { } ts ? WireTime.ToDateTimeOffset(ts, name) : null; break;
                case N.ClientId: clientId = JsonRead.String(r, name); break;
                case N.Description: description = JsonRead.String(r, name); break;
                case N.Metadata: metadata = JsonRead.StringMap(r, name); break;
                default: JsonRead.SkipValue(r); break;
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

        if (m.Annotations is { } annotations)
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
