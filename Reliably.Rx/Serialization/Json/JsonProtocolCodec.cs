using System.Buffers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// The JSON wire format (RSC8, PROTOCOL.md 2.1): hand-written reading and writing over Newtonsoft's
/// <see cref="JsonTextReader"/>/<see cref="JsonTextWriter"/>, no reflection and no JObject for the hot-path models.
/// </summary>
/// <remarks>
/// Data that reaches the writer still as bytes is written as base64 text with a <c>base64</c> step appended to the
/// encoding; data still as JSON (a JToken or an object) is written as JSON text with a <c>json</c> step appended
/// (see <see cref="WireData"/>). Normally MessageEncoder has done this already and data is a string.
/// </remarks>
internal sealed partial class JsonProtocolCodec : ProtocolCodecBase
{
    public static readonly JsonProtocolCodec Instance = new();

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

    public override ProtocolMessage ReadProtocolMessage(ReadOnlyMemory<byte> frame)
    {
        try
        {
            using var input = JsonInput.Open(frame.Span);
            var r = input.Reader;
            if (!JsonRead.BeginObject(r, "protocol message"))
            {
                throw CodecErrors.Malformed("A protocol message must be a JSON object.");
            }

            var pm = ReadProtocolMessageBody(r);
            JsonRead.End(r);
            return pm;
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

    public override Message[] ReadMessages(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var input = JsonInput.Open(body.Span);
            var r = input.Reader;
            JsonRead.Next(r);
            Message[] result = r.TokenType switch
            {
                JsonToken.StartArray => ReadMessageArrayBody(r),
                JsonToken.StartObject => new[] { ReadMessageBody(r) },
                JsonToken.Null => Array.Empty<Message>(),
                _ => throw CodecErrors.Malformed("A message body must be a JSON array or object."),
            };
            JsonRead.End(r);
            return result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "JSON messages");
        }
    }

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

    public override PresenceMessage[] ReadPresenceMessages(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var input = JsonInput.Open(body.Span);
            var r = input.Reader;
            JsonRead.Next(r);
            PresenceMessage[] result = r.TokenType switch
            {
                JsonToken.StartArray => ReadPresenceArrayBody(r),
                JsonToken.StartObject => new[] { ReadPresenceBody(r) },
                JsonToken.Null => Array.Empty<PresenceMessage>(),
                _ => throw CodecErrors.Malformed("A presence body must be a JSON array or object."),
            };
            JsonRead.End(r);
            return result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "JSON presence messages");
        }
    }

    public override JToken ReadTree(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var input = JsonInput.Open(body.Span);
            var r = input.Reader;
            JsonRead.Next(r);
            var token = JToken.ReadFrom(r);
            JsonRead.End(r);
            return token;
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

    private static JsonTextWriter CreateWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new JsonTextWriter(Utf8BufferTextWriter.For(output))
        {
            Formatting = Formatting.None,
            CloseOutput = false,
            DateFormatHandling = DateFormatHandling.IsoDateFormat,
        };
    }
}
