using System.Buffers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Serialization;

/// <summary>
/// Reads and writes the Ably wire model in one format. The only seam through which Newtonsoft.Json and
/// MessagePack-CSharp are used. Implementations are stateless and thread-safe.
/// </summary>
/// <remarks>
/// Message and presence payloads are read and written as they stand on the wire: <c>data</c> is a string, bytes
/// (msgpack <c>bin</c>) or, for JSON, a string that may carry a <c>base64</c> step in <c>encoding</c>. Undoing the
/// encoding chain is the job of the payload encoder, not of the codec.
/// Every Read method throws <see cref="AblyException"/> (40000 or 40001 family) on malformed input, never another
/// exception type, and never loops on hostile lengths.
/// </remarks>
internal interface IProtocolCodec
{
    WireFormat Format { get; }

    /// <summary><c>application/json</c> or <c>application/x-msgpack</c>.</summary>
    string ContentType { get; }

    /// <summary>True when frames are binary WebSocket frames (msgpack), false for text frames (JSON).</summary>
    bool IsBinary { get; }

    void WriteProtocolMessage(ProtocolMessage message, IBufferWriter<byte> output);

    ProtocolMessage ReadProtocolMessage(ReadOnlyMemory<byte> frame);

    /// <summary>
    /// As <see cref="ReadProtocolMessage(ReadOnlyMemory{byte})"/>; a channel name found in <paramref name="channels"/>
    /// (the connection's registered channels) is that string instance instead of a new one.
    /// </summary>
    ProtocolMessage ReadProtocolMessage(ReadOnlyMemory<byte> frame, IKnownNames? channels);

    void WriteMessages(IReadOnlyList<Message> messages, IBufferWriter<byte> output);

    /// <summary>Writes one message as an object, not an array: the body of an update, delete or append (RSL15b).</summary>
    void WriteMessage(Message message, IBufferWriter<byte> output);

    Message[] ReadMessages(ReadOnlyMemory<byte> body);

    void WritePresenceMessages(IReadOnlyList<PresenceMessage> messages, IBufferWriter<byte> output);

    PresenceMessage[] ReadPresenceMessages(ReadOnlyMemory<byte> body);

    /// <summary>Annotations as they stand on the wire (TAN2), data encoded: a REST publish body (RSAN1c).</summary>
    void WriteAnnotations(IReadOnlyList<Annotation> annotations, IBufferWriter<byte> output);

    /// <summary>A REST annotations page's body (RSAN3), data as on the wire (bytes kept as bytes).</summary>
    Annotation[] ReadAnnotations(ReadOnlyMemory<byte> body);

    void WriteTokenRequest(TokenRequest request, IBufferWriter<byte> output);

    TokenRequest ReadTokenRequest(ReadOnlyMemory<byte> body);

    void WriteTokenParams(TokenParams tokenParams, IBufferWriter<byte> output);

    TokenDetails ReadTokenDetails(ReadOnlyMemory<byte> body);

    void WriteTokenDetails(TokenDetails details, IBufferWriter<byte> output);

    /// <summary>
    /// Reads an error body <c>{"error":{...}}</c> (or a bare ErrorInfo); null when the body holds none. Never throws:
    /// an empty or unparseable body (a proxy's HTML page) also gives null, so the caller falls back to the HTTP status.
    /// </summary>
    ErrorInfo? ReadErrorBody(ReadOnlyMemory<byte> body);

    Stats[] ReadStats(ReadOnlyMemory<byte> body);

    ChannelDetails ReadChannelDetails(ReadOnlyMemory<byte> body);

    /// <summary>Any body as a JSON tree (binary values become base64 strings), for the generic <c>RequestAsync</c> (RSC19).</summary>
    JToken ReadTree(ReadOnlyMemory<byte> body);

    void WriteTree(JToken tree, IBufferWriter<byte> output);
}
