using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// Annotations on the wire (TAN2): the objects of an ANNOTATION ProtocolMessage's <c>annotations</c> array and of the
/// REST annotations endpoint, read and written as JSON trees that both codecs carry. Data is encoded per RSL4 and
/// decoded per RSL6 (TAN2f1), never encrypted: the server reads it to aggregate the summary.
/// </summary>
internal static class AnnotationWire
{
    private const string Id = "id";
    private const string Action = "action";
    private const string ClientId = "clientId";
    private const string Name = "name";
    private const string Count = "count";
    private const string Data = "data";
    private const string Encoding = "encoding";
    private const string Timestamp = "timestamp";
    private const string Serial = "serial";
    private const string MessageSerial = "messageSerial";
    private const string Type = "type";
    private const string Extras = "extras";

    /// <summary>RSAN1a3, RTAN1a: the annotation to send, with its action and message serial set; 40003 when it lacks a type.</summary>
    public static Annotation Build(string? messageSerial, Annotation? annotation, AnnotationAction action)
    {
        var serial = MessageSerials.Require(messageSerial);
        if (annotation is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The annotation must not be null.");
        }

        if (string.IsNullOrEmpty(annotation.Type))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400,
                "The annotation lacks a type: set Annotation.Type, for example \"reaction:distinct.v1\" (RSAN1a3).");
        }

        return annotation with { Action = action, MessageSerial = serial };
    }

    /// <summary>
    /// RSAN1c3: the wire object of <paramref name="annotation"/>, its data encoded per RSL4. Bytes always travel as
    /// base64 text with a <c>base64</c> step, in msgpack too: the annotations are carried as a JSON tree, which has no
    /// binary type, and every receiver undoes the step (RSL6).
    /// </summary>
    public static JObject Write(Annotation annotation)
    {
        var (data, encoding) = PayloadTransform.Encode(annotation.Data, annotation.Encoding, cipher: null, WireFormat.Json);
        var o = new JObject();
        Put(o, Id, annotation.Id);
        o[Action] = (int)annotation.Action;
        Put(o, ClientId, annotation.ClientId);
        Put(o, Name, annotation.Name);
        if (annotation.Count is { } count)
        {
            o[Count] = count;
        }

        if (data is not null)
        {
            o[Data] = (string)data;
        }

        Put(o, Encoding, encoding);
        if (annotation.Timestamp is { } timestamp)
        {
            o[Timestamp] = timestamp.ToUnixTimeMilliseconds();
        }

        Put(o, Serial, annotation.Serial);
        Put(o, MessageSerial, annotation.MessageSerial);
        Put(o, Type, annotation.Type);
        if (annotation.Extras is { } extras)
        {
            o[Extras] = extras;
        }

        return o;
    }

    /// <summary>RSAN1a4: the TO3l8 size of a written annotation, measured as a message's (name, clientId, data, extras).</summary>
    public static long SizeOf(JObject written) => MessageSize.Of(new Message
    {
        Name = (string?)written[Name],
        ClientId = (string?)written[ClientId],
        Data = (string?)written[Data],
        Encoding = (string?)written[Encoding],
        Extras = written[Extras] as JObject,
    });

    /// <summary>
    /// TAN3: a received annotation, decoded (a step that cannot be undone stays in <see cref="Annotation.Encoding"/>,
    /// RSL6b); a missing timestamp is the frame's (as TM2f for messages). 40013 when an item is not an annotation.
    /// </summary>
    public static Annotation Read(JToken item, long? frameTimestamp = null)
    {
        if (item is not JObject o)
        {
            throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400, "An annotation on the wire is not an object.");
        }

        try
        {
            var data = Payload(o[Data]);
            var encoding = (string?)o[Encoding];
            PayloadTransform.Decode(ref data, ref encoding, cipher: null);
            var timestamp = (long?)o[Timestamp] ?? frameTimestamp;
            return new Annotation
            {
                Id = (string?)o[Id],
                Action = (AnnotationAction)((int?)o[Action] ?? 0),
                ClientId = (string?)o[ClientId],
                Name = (string?)o[Name],
                Count = (int?)o[Count],
                Data = data,
                Encoding = encoding,
                Timestamp = timestamp is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
                Serial = (string?)o[Serial],
                MessageSerial = (string?)o[MessageSerial],
                Type = (string?)o[Type],
                Extras = o[Extras] as JObject,
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400, "An annotation on the wire is malformed: " + e.Message);
        }
    }

    /// <summary>
    /// RSAN1c3, RSAN1a4: <paramref name="annotation"/> written for the wire (<see cref="Write"/>) with its TO3l8 size
    /// (<see cref="SizeOf"/>), for <see cref="Frame"/> or <see cref="WriteBody"/>.
    /// </summary>
    public static Written WriteSized(Annotation annotation)
    {
        var tree = Write(annotation);
        return new Written(tree, SizeOf(tree));
    }

    /// <summary>RTAN1b: the ANNOTATION ProtocolMessage that carries <paramref name="written"/> on <paramref name="channel"/>.</summary>
    public static ProtocolMessage Frame(string channel, Written written) =>
        new(ProtocolAction.Annotation, channel) { Annotations = new JArray(written.Tree) };

    /// <summary>RSAN1c: the body of a REST annotation publish, an array holding <paramref name="written"/>, in <paramref name="codec"/>'s format.</summary>
    public static void WriteBody(IProtocolCodec codec, Written written, System.Buffers.IBufferWriter<byte> body) =>
        codec.WriteTree(new JArray(written.Tree), body);

    /// <summary>RSAN3: every annotation of a REST page's body, binary data kept as bytes.</summary>
    public static Annotation[] ReadAll(IProtocolCodec codec, ReadOnlyMemory<byte> body) =>
        ReadAll(codec is ProtocolCodecBase tree ? tree.ReadTreeKeepingBinary(body) : codec.ReadTree(body));

    /// <summary>Every annotation of a wire array (an ANNOTATION frame's, or a REST page's body).</summary>
    public static Annotation[] ReadAll(JToken? items, long? frameTimestamp = null) =>
        items switch
        {
            null or { Type: JTokenType.Null } => Array.Empty<Annotation>(),
            JArray array => array.Select(item => Read(item, frameTimestamp)).ToArray(),
            _ => throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400, "The annotations are not an array."),
        };

    // The arms are typed object: JToken converts implicitly from string and byte[], and would otherwise wrap them again.
    private static object? Payload(JToken? token) => token switch
    {
        null => null,
        JValue { Type: JTokenType.Null or JTokenType.Undefined } => null,
        JValue { Type: JTokenType.Bytes } bytes => (object?)(byte[]?)bytes,
        JValue { Type: JTokenType.String } text => (object?)(string?)text,
        _ => (object)token,
    };

    private static void Put(JObject o, string key, string? value)
    {
        if (value is not null)
        {
            o[key] = value;
        }
    }

    /// <summary>One annotation written for the wire, and its TO3l8 size.</summary>
    /// <param name="Tree">The wire object.</param>
    /// <param name="Size">Its size as a message's (RSAN1a4).</param>
    internal readonly record struct Written(JObject Tree, long Size);
}
