using MessagePack;
using K = Reliably.Rx.Serialization.MsgPack.MsgPackKeys;
using N = Reliably.Rx.Serialization.WireNames;
using R = Reliably.Rx.Serialization.MsgPack.MsgPackRead;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>Message (TM2), MessageVersion (TM2s) and PresenceMessage (TP3).</summary>
internal sealed partial class MsgPackProtocolCodec
{
    /// <summary>An array of messages; nil elements are dropped.</summary>
    private static Message[]? ReadMessageArray(ref MessagePackReader r)
    {
        var count = R.ArrayHeader(ref r, N.Messages);
        if (count < 0)
        {
            return null;
        }

        var messages = new Message[count];
        var repeated = default(RepeatedStrings);
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            if (!r.TryReadNil())
            {
                messages[n++] = ReadMessage(ref r, ref repeated);
            }
        }

        return n == count ? messages : messages[..n];
    }

    private static PresenceMessage[]? ReadPresenceArray(ref MessagePackReader r) => ReadArray(ref r, N.Presence, ReadPresenceMessage);

    /// <summary>Reads one element of an array (see <see cref="ReadArray{T}"/>).</summary>
    private delegate T ItemReader<T>(ref MessagePackReader r);

    /// <summary>An array of <typeparamref name="T"/>, null when nil; nil elements are dropped.</summary>
    private static T[]? ReadArray<T>(ref MessagePackReader r, string field, ItemReader<T> read)
    {
        var count = R.ArrayHeader(ref r, field);
        if (count < 0)
        {
            return null;
        }

        var items = new T[count];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            if (!r.TryReadNil())
            {
                items[n++] = read(ref r);
            }
        }

        return n == count ? items : items[..n];
    }

    private static Message ReadMessage(ref MessagePackReader r, ref RepeatedStrings repeated)
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
        var count = R.MapHeader(ref r, N.Messages);
        for (var i = 0; i < count; i++)
        {
            switch (R.Key(ref r))
            {
                case N.Id: id = R.String(ref r, N.Id); break;
                case N.Name: name = RepeatedStrings.Read(ref r, N.Name, ref repeated.NameBytes, ref repeated.Name); break;
                case N.Data: data = R.Data(ref r); break;
                case N.Encoding: encoding = RepeatedStrings.Read(ref r, N.Encoding, ref repeated.EncodingBytes, ref repeated.Encoding); break;
                case N.ClientId: clientId = RepeatedStrings.Read(ref r, N.ClientId, ref repeated.ClientIdBytes, ref repeated.ClientId); break;
                case N.ConnectionId: connectionId = RepeatedStrings.Read(ref r, N.ConnectionId, ref repeated.ConnectionIdBytes, ref repeated.ConnectionId); break;
                case N.ConnectionKey: connectionKey = R.String(ref r, N.ConnectionKey); break;
                case N.Timestamp: timestamp = R.Int64(ref r, N.Timestamp) is { } ts ? WireTime.ToDateTimeOffset(ts, N.Timestamp) : null; break;
                case N.Extras: extras = R.Object(ref r, N.Extras); break;
                case N.Action: action = (MessageAction?)R.Int32(ref r, N.Action); break;
                case N.Serial: serial = R.String(ref r, N.Serial); break;
                case N.Version: version = ReadVersion(ref r); break;
                case N.Annotations: annotations = R.Object(ref r, N.Annotations); break;
                default: R.Skip(ref r); break;
            }
        }

        return Message.FromWire(id, name, data, encoding, clientId, connectionId, connectionKey, timestamp, extras, action, serial, version, annotations);
    }

    private static PresenceMessage ReadPresenceMessage(ref MessagePackReader r)
    {
        string? id = default;
        PresenceAction action = default;
        string? clientId = default;
        string? connectionId = default;
        object? data = default;
        string? encoding = default;
        Newtonsoft.Json.Linq.JObject? extras = default;
        DateTimeOffset? timestamp = default;
        var count = R.MapHeader(ref r, N.Presence);
        for (var i = 0; i < count; i++)
        {
            switch (R.Key(ref r))
            {
                case N.Id: id = R.String(ref r, N.Id); break;
                case N.Action: action = (PresenceAction)(R.Int32(ref r, N.Action) ?? 0); break;
                case N.ClientId: clientId = R.String(ref r, N.ClientId); break;
                case N.ConnectionId: connectionId = R.String(ref r, N.ConnectionId); break;
                case N.Data: data = R.Data(ref r); break;
                case N.Encoding: encoding = R.String(ref r, N.Encoding); break;
                case N.Extras: extras = R.Object(ref r, N.Extras); break;
                case N.Timestamp: timestamp = R.Int64(ref r, N.Timestamp) is { } ts ? WireTime.ToDateTimeOffset(ts, N.Timestamp) : null; break;
                default: R.Skip(ref r); break;
            }
        }

        return PresenceMessage.FromWire(id, action, clientId, connectionId, data, encoding, extras, timestamp);
    }

    private static MessageVersion? ReadVersion(ref MessagePackReader r)
    {
        if (r.NextMessagePackType == MessagePackType.String)
        {
            // Protocol versions before 4 sent the version as a bare serial string.
            return new MessageVersion { Serial = R.String(ref r, N.Version) };
        }

        var count = R.MapHeader(ref r, N.Version);
        if (count < 0)
        {
            return null;
        }

        string? serial = null, clientId = null, description = null;
        DateTimeOffset? timestamp = null;
        Dictionary<string, string>? metadata = null;
        for (var i = 0; i < count; i++)
        {
            switch (R.Key(ref r))
            {
                case N.Serial: serial = R.String(ref r, N.Serial); break;
                case N.Timestamp: timestamp = R.Int64(ref r, N.Timestamp) is { } ts ? WireTime.ToDateTimeOffset(ts, N.Timestamp) : null; break;
                case N.ClientId: clientId = R.String(ref r, N.ClientId); break;
                case N.Description: description = R.String(ref r, N.Description); break;
                case N.Metadata: metadata = R.StringMap(ref r, N.Metadata); break;
                default: R.Skip(ref r); break;
            }
        }

        return new MessageVersion { Serial = serial, Timestamp = timestamp, ClientId = clientId, Description = description, Metadata = metadata };
    }

    /// <summary>Field order id, name, data, encoding, ... matches most of Ably's msgpack fixtures byte for byte.</summary>
    private static void WriteMessage(ref MessagePackWriter w, Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var kind = WireData.Prepare(m.Data, m.Encoding, binaryAllowed: true, out var text, out var bytes, out var encoding);
        w.WriteMapHeader(Count(m.Id) + Count(m.Name) + (kind == WireDataKind.None ? 0 : 1) + Count(encoding) + Count(m.ClientId)
            + Count(m.ConnectionId) + Count(m.ConnectionKey) + Count(m.Timestamp) + Count(m.Extras) + Count(m.Action)
            + Count(m.Serial) + Count(m.Version) + Count(m.Annotations?.ToWire()));
        if (m.Id is { } id) { MsgPackWrite.Field(ref w, K.Id, id); }
        if (m.Name is { } name) { MsgPackWrite.Field(ref w, K.Name, name); }
        WriteData(ref w, kind, text, bytes);
        if (encoding is not null) { MsgPackWrite.Field(ref w, K.Encoding, encoding); }
        if (m.ClientId is { } clientId) { MsgPackWrite.Field(ref w, K.ClientId, clientId); }
        if (m.ConnectionId is { } connectionId) { MsgPackWrite.Field(ref w, K.ConnectionId, connectionId); }
        if (m.ConnectionKey is { } connectionKey) { MsgPackWrite.Field(ref w, K.ConnectionKey, connectionKey); }
        if (m.Timestamp is { } ts) { MsgPackWrite.Field(ref w, K.Timestamp, WireTime.ToMs(ts)); }
        if (m.Extras is { } extras)
        {
            w.WriteRaw(K.Extras);
            MsgPackWrite.Token(ref w, extras);
        }

        if (m.Action is { } action) { MsgPackWrite.Field(ref w, K.Action, (int)action); }
        if (m.Serial is { } serial) { MsgPackWrite.Field(ref w, K.Serial, serial); }
        if (m.Version is { } v)
        {
            w.WriteRaw(K.Version);
            w.WriteMapHeader(Count(v.Serial) + Count(v.Timestamp) + Count(v.ClientId) + Count(v.Description) + Count(v.Metadata));
            if (v.Serial is { } vs) { MsgPackWrite.Field(ref w, K.Serial, vs); }
            if (v.Timestamp is { } vts) { MsgPackWrite.Field(ref w, K.Timestamp, WireTime.ToMs(vts)); }
            if (v.ClientId is { } vc) { MsgPackWrite.Field(ref w, K.ClientId, vc); }
            if (v.Description is { } vd) { MsgPackWrite.Field(ref w, K.Description, vd); }
            if (v.Metadata is { } metadata)
            {
                w.WriteRaw(K.Metadata);
                MsgPackWrite.StringMap(ref w, metadata);
            }
        }

        if (m.Annotations?.ToWire() is { } annotations)
        {
            w.WriteRaw(K.Annotations);
            MsgPackWrite.Token(ref w, annotations);
        }
    }

    private static void WritePresenceMessage(ref MessagePackWriter w, PresenceMessage p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var kind = WireData.Prepare(p.Data, p.Encoding, binaryAllowed: true, out var text, out var bytes, out var encoding);
        w.WriteMapHeader(Count(p.Id) + 1 + Count(p.ClientId) + Count(p.ConnectionId) + (kind == WireDataKind.None ? 0 : 1)
            + Count(encoding) + Count(p.Extras) + Count(p.Timestamp));
        if (p.Id is { } id) { MsgPackWrite.Field(ref w, K.Id, id); }
        MsgPackWrite.Field(ref w, K.Action, (int)p.Action);
        if (p.ClientId is { } clientId) { MsgPackWrite.Field(ref w, K.ClientId, clientId); }
        if (p.ConnectionId is { } connectionId) { MsgPackWrite.Field(ref w, K.ConnectionId, connectionId); }
        WriteData(ref w, kind, text, bytes);
        if (encoding is not null) { MsgPackWrite.Field(ref w, K.Encoding, encoding); }
        if (p.Extras is { } extras)
        {
            w.WriteRaw(K.Extras);
            MsgPackWrite.Token(ref w, extras);
        }

        if (p.Timestamp is { } ts) { MsgPackWrite.Field(ref w, K.Timestamp, WireTime.ToMs(ts)); }
    }

    private static void WriteData(ref MessagePackWriter w, WireDataKind kind, string? text, byte[]? bytes)
    {
        switch (kind)
        {
            case WireDataKind.Text:
                MsgPackWrite.Field(ref w, K.Data, text!);
                break;
            case WireDataKind.Binary:
                // An empty payload is an empty bin, never nil (PROTOCOL.md 3.3).
                w.WriteRaw(K.Data);
                w.Write(bytes.AsSpan());
                break;
        }
    }
}
