using System.Buffers;
using MessagePack;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Serialization.MsgPack;

/// <summary>
/// The msgpack wire format (RSC8, PROTOCOL.md 2.1): maps keyed by the JSON field names, binary data as <c>bin</c>,
/// strings as <c>str</c>. Hand-written over MessagePack-CSharp's <see cref="MessagePackReader"/> and
/// <see cref="MessagePackWriter"/>: no formatters, no reflection.
/// </summary>
/// <remarks>
/// Data that reaches the writer as JSON (a JToken or an object) rather than a string or bytes is written as JSON text
/// with a <c>json</c> step appended (see <see cref="WireData"/>).
/// </remarks>
internal sealed partial class MsgPackProtocolCodec : ProtocolCodecBase
{
    public static readonly MsgPackProtocolCodec Instance = new();

    public override WireFormat Format => WireFormat.MsgPack;

    public override string ContentType => "application/x-msgpack";

    public override bool IsBinary => true;

    public override void WriteProtocolMessage(ProtocolMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var w = new MessagePackWriter(output);
        WriteProtocolMessage(ref w, message);
        w.Flush();
    }

    protected override ProtocolMessage ReadProtocolMessageCore(ReadOnlyMemory<byte> frame)
    {
        try
        {
            var r = new MessagePackReader(frame);
            if (r.End || r.NextMessagePackType != MessagePackType.Map)
            {
                throw CodecErrors.Malformed("A protocol message must be a msgpack map.");
            }

            var pm = ReadProtocolMessage(ref r);
            EnsureEnd(ref r);
            return pm;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "msgpack protocol message");
        }
    }

    public override void WriteMessages(IReadOnlyList<Message> messages, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(output);
        var w = new MessagePackWriter(output);
        w.WriteArrayHeader(messages.Count);
        foreach (var m in messages)
        {
            WriteMessage(ref w, m);
        }

        w.Flush();
    }

    public override void WriteMessage(Message message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var w = new MessagePackWriter(output);
        WriteMessage(ref w, message);
        w.Flush();
    }

    public override Message[] ReadMessages(ReadOnlyMemory<byte> body)
    {
        try
        {
            var r = new MessagePackReader(body);
            Message[] result = Peek(ref r) switch
            {
                MessagePackType.Array => ReadMessageArray(ref r) ?? Array.Empty<Message>(),
                MessagePackType.Map => new[] { ReadSingleMessage(ref r) },
                MessagePackType.Nil => ReadNilAsEmpty<Message>(ref r),
                _ => throw CodecErrors.Malformed("A message body must be a msgpack array or map."),
            };
            EnsureEnd(ref r);
            return result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "msgpack messages");
        }
    }

    public override void WritePresenceMessages(IReadOnlyList<PresenceMessage> messages, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(output);
        var w = new MessagePackWriter(output);
        w.WriteArrayHeader(messages.Count);
        foreach (var m in messages)
        {
            WritePresenceMessage(ref w, m);
        }

        w.Flush();
    }

    public override PresenceMessage[] ReadPresenceMessages(ReadOnlyMemory<byte> body)
    {
        try
        {
            var r = new MessagePackReader(body);
            PresenceMessage[] result = Peek(ref r) switch
            {
                MessagePackType.Array => ReadPresenceArray(ref r) ?? Array.Empty<PresenceMessage>(),
                MessagePackType.Map => new[] { ReadPresenceMessage(ref r) },
                MessagePackType.Nil => ReadNilAsEmpty<PresenceMessage>(ref r),
                _ => throw CodecErrors.Malformed("A presence body must be a msgpack array or map."),
            };
            EnsureEnd(ref r);
            return result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "msgpack presence messages");
        }
    }

    public override JToken ReadTree(ReadOnlyMemory<byte> body)
    {
        try
        {
            var r = new MessagePackReader(body);
            if (r.End)
            {
                throw CodecErrors.Malformed("The msgpack body is empty.");
            }

            var token = MsgPackRead.Token(ref r, 0);
            EnsureEnd(ref r);
            return token;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, "msgpack body");
        }
    }

    public override void WriteTree(JToken tree, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(output);
        var w = new MessagePackWriter(output);
        MsgPackWrite.Token(ref w, tree);
        w.Flush();
    }

    private static Message ReadSingleMessage(ref MessagePackReader r)
    {
        var repeated = default(RepeatedStrings);
        return ReadMessage(ref r, ref repeated);
    }

    private static MessagePackType Peek(ref MessagePackReader r) =>
        r.End ? throw CodecErrors.Malformed("The msgpack body is empty.") : r.NextMessagePackType;

    private static T[] ReadNilAsEmpty<T>(ref MessagePackReader r)
    {
        r.ReadNil();
        return Array.Empty<T>();
    }

    private static void EnsureEnd(ref MessagePackReader r)
    {
        if (!r.End)
        {
            throw CodecErrors.Malformed("Unexpected bytes after the msgpack value.");
        }
    }
}
