using System.Buffers;
using MessagePack;
using K = Reliably.Rx.Serialization.MsgPack.MsgPackKeys;
using N = Reliably.Rx.Serialization.WireNames;
using R = Reliably.Rx.Serialization.MsgPack.MsgPackRead;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>Annotations (TAN2) as they stand on the wire: an ANNOTATION frame's array (RTAN1c) and a REST body (RSAN1c, RSAN3).</summary>
internal sealed partial class MsgPackProtocolCodec
{
    public override void WriteAnnotations(IReadOnlyList<Annotation> annotations, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(output);
        var w = new MessagePackWriter(output);
        WriteAnnotationArray(ref w, annotations);
        w.Flush();
    }

    public override Annotation[] ReadAnnotations(ReadOnlyMemory<byte> body)
    {
        try
        {
            var r = new MessagePackReader(body);
            Annotation[] result = Peek(ref r) switch
            {
                MessagePackType.Array => ReadAnnotationArray(ref r) ?? Array.Empty<Annotation>(),
                MessagePackType.Map => new[] { ReadAnnotation(ref r) },
                MessagePackType.Nil => ReadNilAsEmpty<Annotation>(ref r),
                _ => throw CodecErrors.Malformed("An annotations body must be a msgpack array or map."),
            };
            EnsureEnd(ref r);
            return result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "msgpack annotations");
        }
    }

    /// <summary>An array of annotations; nil elements are dropped.</summary>
    private static Annotation[]? ReadAnnotationArray(ref MessagePackReader r) => ReadArray(ref r, N.Annotations, ReadAnnotation);

    /// <summary>One annotation; its data stays as it is on the wire (bin as bytes).</summary>
    private static Annotation ReadAnnotation(ref MessagePackReader r)
    {
        string? id = null, clientId = null, name = null, encoding = null, serial = null, messageSerial = null, type = null;
        int? action = null, count = null;
        object? data = null;
        DateTimeOffset? timestamp = null;
        Newtonsoft.Json.Linq.JObject? extras = null;
        var fields = R.MapHeader(ref r, N.Annotations);
        for (var i = 0; i < fields; i++)
        {
            switch (R.Key(ref r))
            {
                case N.Id: id = R.String(ref r, N.Id); break;
                case N.Action: action = R.Int32(ref r, N.Action); break;
                case N.ClientId: clientId = R.String(ref r, N.ClientId); break;
                case N.Name: name = R.String(ref r, N.Name); break;
                case N.Count: count = R.Int32(ref r, N.Count); break;
                case N.Data: data = R.Data(ref r); break;
                case N.Encoding: encoding = R.String(ref r, N.Encoding); break;
                case N.Timestamp: timestamp = R.Int64(ref r, N.Timestamp) is { } ts ? WireTime.ToDateTimeOffset(ts, N.Timestamp) : null; break;
                case N.Serial: serial = R.String(ref r, N.Serial); break;
                case N.MessageSerial: messageSerial = R.String(ref r, N.MessageSerial); break;
                case N.Type: type = R.String(ref r, N.Type); break;
                case N.Extras: extras = R.Object(ref r, N.Extras); break;
                default: R.Skip(ref r); break;
            }
        }

        return new Annotation
        {
            Id = id, Action = (AnnotationAction)(action ?? 0), ClientId = clientId, Name = name, Count = count, Data = data,
            Encoding = encoding, Timestamp = timestamp, Serial = serial, MessageSerial = messageSerial, Type = type, Extras = extras,
        };
    }

    private static void WriteAnnotationArray(ref MessagePackWriter w, IReadOnlyList<Annotation> annotations)
    {
        w.WriteArrayHeader(annotations.Count);
        foreach (var a in annotations)
        {
            WriteAnnotation(ref w, a);
        }
    }

    private static void WriteAnnotation(ref MessagePackWriter w, Annotation a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var kind = WireData.Prepare(a.Data, a.Encoding, binaryAllowed: true, out var text, out var bytes, out var encoding);
        w.WriteMapHeader(Count(a.Id) + 1 + Count(a.ClientId) + Count(a.Name) + Count(a.Count) + (kind == WireDataKind.None ? 0 : 1)
            + Count(encoding) + Count(a.Timestamp) + Count(a.Serial) + Count(a.MessageSerial) + Count(a.Type) + Count(a.Extras));
        if (a.Id is { } id) { MsgPackWrite.Field(ref w, K.Id, id); }
        MsgPackWrite.Field(ref w, K.Action, (int)a.Action);
        if (a.ClientId is { } clientId) { MsgPackWrite.Field(ref w, K.ClientId, clientId); }
        if (a.Name is { } name) { MsgPackWrite.Field(ref w, K.Name, name); }
        if (a.Count is { } count) { MsgPackWrite.Field(ref w, K.Count, count); }
        WriteData(ref w, kind, text, bytes);
        if (encoding is not null) { MsgPackWrite.Field(ref w, K.Encoding, encoding); }
        if (a.Timestamp is { } ts) { MsgPackWrite.Field(ref w, K.Timestamp, WireTime.ToMs(ts)); }
        if (a.Serial is { } serial) { MsgPackWrite.Field(ref w, K.Serial, serial); }
        if (a.MessageSerial is { } messageSerial) { MsgPackWrite.Field(ref w, K.MessageSerial, messageSerial); }
        if (a.Type is { } type) { MsgPackWrite.Field(ref w, K.Type, type); }
        if (a.Extras is { } extras)
        {
            w.WriteRaw(K.Extras);
            MsgPackWrite.Token(ref w, extras);
        }
    }
}
