using System.Buffers;
using Newtonsoft.Json;
using JsonTokenType = System.Text.Json.JsonTokenType;
using Utf8JsonReader = System.Text.Json.Utf8JsonReader;
using N = Reliably.Rx.Serialization.WireNames;

namespace Reliably.Rx.Serialization.Json;

/// <summary>Annotations (TAN2) as they stand on the wire: an ANNOTATION frame's array (RTAN1c) and a REST body (RSAN1c, RSAN3).</summary>
internal sealed partial class JsonProtocolCodec
{
    public override void WriteAnnotations(IReadOnlyList<Annotation> annotations, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var w = CreateWriter(output);
        WriteAnnotationArray(w, annotations);
        w.Flush();
    }

    public override Annotation[] ReadAnnotations(ReadOnlyMemory<byte> body) =>
        ReadBody<Annotation, AnnotationElements>(body, "JSON annotations");

    /// <summary>Reads the properties of an annotation after its StartObject; its data stays as it is on the wire.</summary>
    private static Annotation ReadAnnotationBody(ref Utf8JsonReader r)
    {
        string? id = null, clientId = null, name = null, encoding = null, serial = null, messageSerial = null, type = null;
        int? action = null, count = null;
        object? data = null;
        DateTimeOffset? timestamp = null;
        Newtonsoft.Json.Linq.JObject? extras = null;
        while (JsonRead.NextProperty(ref r) is { } key)
        {
            switch (key)
            {
                case N.Id: id = JsonRead.String(ref r, key); break;
                case N.Action: action = JsonRead.Int32(ref r, key); break;
                case N.ClientId: clientId = JsonRead.String(ref r, key); break;
                case N.Name: name = JsonRead.String(ref r, key); break;
                case N.Count: count = JsonRead.Int32(ref r, key); break;
                case N.Data: data = ReadData(ref r); break;
                case N.Encoding: encoding = JsonRead.String(ref r, key); break;
                case N.Timestamp: timestamp = JsonRead.Int64(ref r, key) is { } ts ? WireTime.ToDateTimeOffset(ts, key) : null; break;
                case N.Serial: serial = JsonRead.String(ref r, key); break;
                case N.MessageSerial: messageSerial = JsonRead.String(ref r, key); break;
                case N.Type: type = JsonRead.String(ref r, key); break;
                case N.Extras: extras = JsonTree.Object(ref r, key); break;
                default: JsonRead.SkipValue(ref r); break;
            }
        }

        return new Annotation
        {
            Id = id, Action = (AnnotationAction)(action ?? 0), ClientId = clientId, Name = name, Count = count, Data = data,
            Encoding = encoding, Timestamp = timestamp, Serial = serial, MessageSerial = messageSerial, Type = type, Extras = extras,
        };
    }

    private static void WriteAnnotationArray(JsonWriter w, IReadOnlyList<Annotation> annotations)
    {
        w.WriteStartArray();
        foreach (var a in annotations)
        {
            WriteAnnotation(w, a);
        }

        w.WriteEndArray();
    }

    private static void WriteAnnotation(JsonWriter w, Annotation a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var kind = WireData.Prepare(a.Data, a.Encoding, binaryAllowed: false, out var text, out _, out var encoding);
        w.WriteStartObject();
        WriteIfNotNull(w, N.Id, a.Id);
        w.WritePropertyName(N.Action);
        w.WriteValue((int)a.Action);
        WriteIfNotNull(w, N.ClientId, a.ClientId);
        WriteIfNotNull(w, N.Name, a.Name);
        WriteIfNotNull(w, N.Count, a.Count);
        if (kind != WireDataKind.None)
        {
            w.WritePropertyName(N.Data);
            w.WriteValue(text);
        }

        WriteIfNotNull(w, N.Encoding, encoding);
        WriteIfNotNull(w, N.Timestamp, a.Timestamp is { } ts ? WireTime.ToMs(ts) : null);
        WriteIfNotNull(w, N.Serial, a.Serial);
        WriteIfNotNull(w, N.MessageSerial, a.MessageSerial);
        WriteIfNotNull(w, N.Type, a.Type);
        if (a.Extras is { } extras)
        {
            w.WritePropertyName(N.Extras);
            extras.WriteTo(w);
        }

        w.WriteEndObject();
    }
}
