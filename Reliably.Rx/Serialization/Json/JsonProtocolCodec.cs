using System.Buffers;
using Newtonsoft.Json;
using JsonTokenType = System.Text.Json.JsonTokenType;
using Utf8JsonReader = System.Text.Json.Utf8JsonReader;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// The JSON wire format (RSC8, PROTOCOL.md 2.1), read and written by hand with no reflection and no JObject for the
/// hot-path models: frames are read straight from their UTF-8 bytes with System.Text.Json's <see cref="Utf8JsonReader"/>
/// (no transcoding of the frame to UTF-16), and written with Newtonsoft's <see cref="JsonTextWriter"/>, which also
/// writes the JSON trees the public payload types expose.
/// </summary>
/// <remarks>
/// Data that reaches the writer still as bytes is written as base64 text with a <c>base64</c> step appended to the
/// encoding; data still as JSON (a JToken or an object) is written as JSON text with a <c>json</c> step appended
/// (see <see cref="WireData"/>). Normally MessageEncoder has done this already and data is a string.
/// </remarks>
internal sealed partial class JsonProtocolCodec : ProtocolCodecBase
{
    public static readonly JsonProtocolCodec Instance = new();

    [ThreadStatic]
    private static JsonTextWriter? t_writer;

    public override WireFormat Format => WireFormat.Json;

    public override string ContentType => "application/json";

    public override bool IsBinary => false;

    public override void WriteProtocolMessage(ProtocolMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = CreateWriter(output);
        WriteProtocolMessage(w, message);
        w.Flush();
    }

    protected override ProtocolMessage ReadProtocolMessageCore(ReadOnlyMemory<byte> frame)
    {
        try
        {
            return JsonRead.Parse(frame.Span, ReadProtocolMessageDocument);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "JSON protocol message");
        }
    }

    public override void WriteMessages(IReadOnlyList<Message> messages, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var w = CreateWriter(output);
        w.WriteStartArray();
        foreach (var m in messages)
        {
            WriteMessage(w, m);
        }

        w.WriteEndArray();
        w.Flush();
    }

    public override void WriteMessage(Message message, IBufferWriter<byte> output)
    {
        var w = CreateWriter(output);
        WriteMessage(w, message);
        w.Flush();
    }

    public override Message[] ReadMessages(ReadOnlyMemory<byte> body) => ReadBody<Message, MessageElements>(body, "JSON messages");

    public override void WritePresenceMessages(IReadOnlyList<PresenceMessage> messages, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var w = CreateWriter(output);
        w.WriteStartArray();
        foreach (var m in messages)
        {
            WritePresenceMessage(w, m);
        }

        w.WriteEndArray();
        w.Flush();
    }

    public override PresenceMessage[] ReadPresenceMessages(ReadOnlyMemory<byte> body) =>
        ReadBody<PresenceMessage, PresenceElements>(body, "JSON presence messages");

    public override JToken ReadTree(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonRead.Parse(body.Span, JsonTree.ReadDocument);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "JSON body");
        }
    }

    public override void WriteTree(JToken tree, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var w = CreateWriter(output);
        tree.WriteTo(w);
        w.Flush();
    }

    private static ProtocolMessage ReadProtocolMessageDocument(ref Utf8JsonReader r) =>
        JsonRead.BeginObject(ref r, "protocol message")
            ? ReadProtocolMessageBody(ref r)
            : throw CodecErrors.Malformed("A protocol message must be a JSON object.");

    /// <summary>
    /// This thread's JSON writer, over this thread's <see cref="Utf8BufferTextWriter"/> pointed at
    /// <paramref name="output"/>. A new writer per frame, with its buffers and nesting stack, was 400-660 B of the
    /// 1.9 KB a JSON publish allocated on the client (<c>publish-cpu</c>); it is reused once it has finished a document
    /// (back in its start state), and replaced after a write that failed halfway or while a write on this thread is
    /// still open.
    /// </summary>
    private static JsonTextWriter CreateWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = Utf8BufferTextWriter.For(output);
        if (t_writer is { WriteState: WriteState.Start } reusable)
        {
            return reusable;
        }

        return t_writer = new JsonTextWriter(text)
        {
            Formatting = Formatting.None,
            CloseOutput = false,
            DateFormatHandling = DateFormatHandling.IsoDateFormat,
        };
    }
}
