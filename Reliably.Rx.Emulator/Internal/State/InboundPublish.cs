using System.Text.Json;
using MessagePack;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A client's MESSAGE (RTL6) read straight from its bytes into the compact stored form, without a tree: the emulator's
/// per-publish path. Anything this reader does not take as it is (params, a change action, a field of an unexpected
/// type, malformed input) makes it decline, and the frame takes the tree path, which has the one definition of how such
/// frames are answered. Fields the channel stamps (serial, connectionId) and the connectionKey are not kept.
/// </summary>
/// <param name="Channel">The channel name as sent.</param>
/// <param name="MsgSerial">The msgSerial to ACK, or -1.</param>
/// <param name="Messages">The messages, at least one.</param>
internal sealed record InboundPublish(string Channel, long MsgSerial, List<StoredMessage> Messages)
{
    /// <summary>The publish a frame carries, or null when the frame is not a MESSAGE this reader takes as it is.</summary>
    /// <param name="bytes">The frame.</param>
    /// <param name="format">Its wire format.</param>
    /// <param name="lastChannel">The channel of the connection's previous publish: an equal name is shared, not allocated again.</param>
    public static InboundPublish? TryRead(ReadOnlyMemory<byte> bytes, WireFormat format, string? lastChannel = null)
    {
        try
        {
            return format == WireFormat.MsgPack ? ReadMsgPack(bytes, lastChannel) : ReadJson(bytes.Span, lastChannel);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or MessagePackSerializationException
            or EndOfStreamException or OverflowException or FormatException or AblyException)
        {
            // Malformed: the tree path reads it again and answers with the error.
            return null;
        }
    }

    private static InboundPublish? ReadJson(ReadOnlySpan<byte> utf8, string? lastChannel)
    {
        var reader = new Utf8JsonReader(utf8, JsonTree.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var isMessage = false;
        string? channel = null;
        long msgSerial = -1;
        List<StoredMessage>? messages = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("action"u8))
            {
                reader.Read();
                if (!Integer(ref reader, out var action) || action != Actions.Message)
                {
                    return null;
                }

                isMessage = true;
            }
            else if (reader.ValueTextEquals("channel"u8))
            {
                reader.Read();
                channel = reader.TokenType != JsonTokenType.String ? null
                    : lastChannel is not null && reader.ValueTextEquals(lastChannel) ? lastChannel
                    : reader.GetString();
            }
            else if (reader.ValueTextEquals("msgSerial"u8))
            {
                reader.Read();
                if (!Integer(ref reader, out msgSerial))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return null;
                }

                messages = new List<StoredMessage>(1); // one message per publish is the common case (RTL6i1)
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject || ReadJsonMessage(ref reader) is not { } message)
                    {
                        return null;
                    }

                    messages.Add(message);
                }
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                return null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? Complete(isMessage, channel, msgSerial, messages) : null;
    }

    private static StoredMessage? ReadJsonMessage(ref Utf8JsonReader reader)
    {
        var message = new StoredMessage();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader);
            var other = field == Known.Other ? JsonTree.PropertyName(ref reader) : null;
            reader.Read();
            switch (field)
            {
                case Known.Id or Known.ClientId or Known.Name or Known.Encoding or Known.Ignored:
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        return null;
                    }

                    Set(message, field, reader.TokenType == JsonTokenType.Null ? null : reader.GetString());
                    break;
                case Known.Timestamp:
                    message.Timestamp = Integer(ref reader, out var timestamp) ? timestamp : null;
                    break;
                case Known.Action:
                    if (Integer(ref reader, out var action) && IsChange(action))
                    {
                        return null;
                    }

                    break;
                case Known.Data:
                    message.Data = reader.TokenType == JsonTokenType.String ? reader.GetString() : (object)JsonTree.ReadValue(ref reader);
                    break;
                default:
                    message.AddOther(other!, JsonTree.ReadValue(ref reader));
                    break;
            }
        }

        return message;
    }

    private static InboundPublish? ReadMsgPack(ReadOnlyMemory<byte> bytes, string? lastChannel)
    {
        var reader = new MessagePackReader(bytes);
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return null;
        }

        var isMessage = false;
        string? channel = null;
        long msgSerial = -1;
        List<StoredMessage>? messages = null;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out var key))
            {
                return null;
            }

            if (key.SequenceEqual("action"u8))
            {
                if (reader.NextMessagePackType != MessagePackType.Integer || reader.ReadInt64() != Actions.Message)
                {
                    return null;
                }

                isMessage = true;
            }
            else if (key.SequenceEqual("channel"u8))
            {
                if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out var name))
                {
                    return null;
                }

                channel = lastChannel is not null && Utf8Equals(name, lastChannel) ? lastChannel : System.Text.Encoding.UTF8.GetString(name);
            }
            else if (key.SequenceEqual("msgSerial"u8))
            {
                if (reader.NextMessagePackType != MessagePackType.Integer)
                {
                    return null;
                }

                msgSerial = reader.ReadInt64();
            }
            else if (key.SequenceEqual("messages"u8))
            {
                if (reader.NextMessagePackType != MessagePackType.Array)
                {
                    return null;
                }

                var length = reader.ReadArrayHeader();
                messages = new List<StoredMessage>(length);
                for (var m = 0; m < length; m++)
                {
                    if (reader.NextMessagePackType != MessagePackType.Map || ReadMsgPackMessage(ref reader) is not { } message)
                    {
                        return null;
                    }

                    messages.Add(message);
                }
            }
            else if (key.SequenceEqual("params"u8))
            {
                return null;
            }
            else
            {
                reader.Skip();
            }
        }

        return Complete(isMessage, channel, msgSerial, messages);
    }

    private static StoredMessage? ReadMsgPackMessage(ref MessagePackReader reader)
    {
        var message = new StoredMessage();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out var key))
            {
                return null;
            }

            var field = Field(key);
            var type = reader.NextMessagePackType;
            switch (field)
            {
                case Known.Id or Known.ClientId or Known.Name or Known.Encoding or Known.Ignored:
                    if (type is not (MessagePackType.String or MessagePackType.Nil))
                    {
                        return null;
                    }

                    Set(message, field, reader.ReadString());
                    break;
                case Known.Timestamp:
                    message.Timestamp = null;
                    if (type == MessagePackType.Integer)
                    {
                        message.Timestamp = reader.ReadInt64();
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case Known.Action:
                    if (type == MessagePackType.Integer && IsChange(reader.ReadInt64()))
                    {
                        return null;
                    }

                    if (type != MessagePackType.Integer)
                    {
                        reader.Skip();
                    }

                    break;
                case Known.Data:
                    message.Data = type switch
                    {
                        MessagePackType.String => (object?)reader.ReadString(),
                        MessagePackType.Binary => Bytes(ref reader),
                        _ => MsgPackTree.ReadToken(ref reader, 3),
                    };
                    break;
                default:
                    message.AddOther(MsgPackTree.KeyName(key), MsgPackTree.ReadToken(ref reader, 3));
                    break;
            }
        }

        return message;
    }

    private static byte[] Bytes(ref MessagePackReader reader) =>
        reader.ReadBytes() is { } data ? System.Buffers.BuffersExtensions.ToArray(data) : [];

    private static InboundPublish? Complete(bool isMessage, string? channel, long msgSerial, List<StoredMessage>? messages) =>
        isMessage && channel is not null && messages is { Count: > 0 } ? new InboundPublish(channel, msgSerial, messages) : null;

    /// <summary>UTF-8 bytes equal to a string, compared without allocating.</summary>
    private static bool Utf8Equals(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length < text.Length || utf8.Length > 256)
        {
            return false;
        }

        Span<char> chars = stackalloc char[utf8.Length];
        return System.Text.Encoding.UTF8.TryGetChars(utf8, chars, out var written) && chars[..written].SequenceEqual(text);
    }

    private static bool IsChange(long action) => action is >= int.MinValue and <= int.MaxValue && MessageActions.IsChange((int)action);

    /// <summary>An integer as the tree reads it: a number without a fraction or an exponent that fits a long.</summary>
    private static bool Integer(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0
            && reader.TryGetInt64(out value);
    }

    private static Known Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("id"u8) ? Known.Id
        : reader.ValueTextEquals("clientId"u8) ? Known.ClientId
        : reader.ValueTextEquals("name"u8) ? Known.Name
        : reader.ValueTextEquals("data"u8) ? Known.Data
        : reader.ValueTextEquals("encoding"u8) ? Known.Encoding
        : reader.ValueTextEquals("timestamp"u8) ? Known.Timestamp
        : reader.ValueTextEquals("action"u8) ? Known.Action
        : reader.ValueTextEquals("connectionKey"u8) || reader.ValueTextEquals("connectionId"u8) || reader.ValueTextEquals("serial"u8) ? Known.Ignored
        : Known.Other;

    private static Known Field(ReadOnlySpan<byte> key) => key switch
    {
        _ when key.SequenceEqual("id"u8) => Known.Id,
        _ when key.SequenceEqual("clientId"u8) => Known.ClientId,
        _ when key.SequenceEqual("name"u8) => Known.Name,
        _ when key.SequenceEqual("data"u8) => Known.Data,
        _ when key.SequenceEqual("encoding"u8) => Known.Encoding,
        _ when key.SequenceEqual("timestamp"u8) => Known.Timestamp,
        _ when key.SequenceEqual("action"u8) => Known.Action,
        _ when key.SequenceEqual("connectionKey"u8) || key.SequenceEqual("connectionId"u8) || key.SequenceEqual("serial"u8) => Known.Ignored,
        _ => Known.Other,
    };

    private static void Set(StoredMessage message, Known field, string? value)
    {
        switch (field)
        {
            case Known.Id:
                message.Id = value;
                break;
            case Known.ClientId:
                message.ClientId = value;
                break;
            case Known.Name:
                message.Name = value;
                break;
            case Known.Encoding:
                message.Encoding = value;
                break;
        }
    }

    /// <summary>
    /// The message fields the reader interprets. Ignored: connectionKey (dropped on a realtime publish), connectionId and
    /// serial (stamped by the channel); they must still be strings, as the tree path requires.
    /// </summary>
    private enum Known
    {
        Other,
        Id,
        ClientId,
        Name,
        Data,
        Encoding,
        Timestamp,
        Action,
        Ignored,
    }
}
