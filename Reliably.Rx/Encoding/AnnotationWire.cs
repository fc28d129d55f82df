using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// Annotations on the wire (TAN2): built for sending with their data encoded per RSL4, and decoded per RSL6 when
/// received (TAN2f1). Never encrypted: the server reads the data to aggregate the summary. The codecs read and write the
/// wire form; this is the step between it and the application's <see cref="Annotation"/>.
/// </summary>
internal static class AnnotationWire
{
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
    /// RSAN1c3: <paramref name="annotation"/> with its data encoded per RSL4 (JSON as text with a <c>json</c> step),
    /// ready for either codec. Bytes travel as base64 text with a <c>base64</c> step in msgpack too, as they always have
    /// for annotations: every receiver undoes the step (RSL6).
    /// </summary>
    public static Annotation Encode(Annotation annotation)
    {
        var (data, encoding) = PayloadTransform.Encode(annotation.Data, annotation.Encoding, cipher: null, WireFormat.Json);
        return annotation with { Data = data, Encoding = encoding };
    }

    /// <summary>
    /// RSAN1c3, RSAN1a4: <paramref name="annotation"/> encoded for the wire (<see cref="Encode"/>) with its TO3l8 size,
    /// measured as a message's (name, clientId, data, extras), for <see cref="Frame"/> or a REST body.
    /// </summary>
    public static Written WriteSized(Annotation annotation)
    {
        var encoded = Encode(annotation);
        return new Written(encoded, encoded.Size);
    }

    /// <summary>RTAN1c: the ANNOTATION ProtocolMessage that carries <paramref name="written"/> on <paramref name="channel"/>.</summary>
    public static ProtocolMessage Frame(string channel, Written written) =>
        new(ProtocolAction.Annotation, channel) { Annotations = [written.Encoded] };

    /// <summary>
    /// TAN3: a received annotation, decoded (a step that cannot be undone stays in <see cref="Annotation.Encoding"/>,
    /// RSL6b); a missing timestamp is the frame's (as TM2f for messages). Never throws: what the codec read is an
    /// annotation, and a payload that cannot be decoded keeps its steps.
    /// </summary>
    public static Annotation Decode(Annotation received, long? frameTimestamp = null)
    {
        var data = received.Data;
        var encoding = received.Encoding;
        PayloadTransform.Decode(ref data, ref encoding, cipher: null);
        var timestamp = received.Timestamp ?? (frameTimestamp is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
        return received with { Data = data, Encoding = encoding, Timestamp = timestamp };
    }

    /// <summary>RTAN4b, RSAN3: every annotation of an ANNOTATION frame or a REST page, decoded.</summary>
    public static Annotation[] DecodeAll(IReadOnlyList<Annotation>? received, long? frameTimestamp = null)
    {
        if (received is null || received.Count == 0)
        {
            return Array.Empty<Annotation>();
        }

        var decoded = new Annotation[received.Count];
        for (var i = 0; i < decoded.Length; i++)
        {
            decoded[i] = Decode(received[i], frameTimestamp);
        }

        return decoded;
    }

    /// <summary>RSAN3: every annotation of a REST page's body, decoded.</summary>
    public static Annotation[] ReadAll(IProtocolCodec codec, ReadOnlyMemory<byte> body) => DecodeAll(codec.ReadAnnotations(body));

    /// <summary>One annotation encoded for the wire, and its TO3l8 size.</summary>
    /// <param name="Encoded">The wire form (data encoded per RSL4).</param>
    /// <param name="Size">Its size as a message's (RSAN1a4).</param>
    internal readonly record struct Written(Annotation Encoded, long Size);
}
