using System.Text.Json;
using MessagePack;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// The MESSAGE frame that fans published or changed messages out (RTL7): written straight from the stored messages,
/// without what the client derives from the frame (<see cref="WireMessages"/>), and with a realtime publisher's frame id
/// and connectionId. The stored messages are never mutated once published, so the frame can read them at any time.
/// Binary data is written as bytes in msgpack and as base64 in JSON, with <c>base64</c> appended to its encoding
/// (PROTOCOL.md 3.3), as <see cref="DataCodec.Egress"/> does for trees.
/// </summary>
internal sealed class MessageFrame : FrameContent
{
    private readonly string _channel;
    private readonly string _channelSerial;
    private readonly long _timestamp;
    private readonly IReadOnlyList<StoredMessage> _messages;
    private readonly string? _frameId;
    private readonly string? _connectionId;

    public MessageFrame(string channel, string channelSerial, long timestamp, IReadOnlyList<StoredMessage> messages, string? frameId, string? connectionId)
    {
        _channel = channel;
        _channelSerial = channelSerial;
        _timestamp = timestamp;
        _messages = messages;
        _frameId = frameId;
        _connectionId = connectionId;
    }

    public override int Action => Actions.Message;

    public override JObject ToTree()
    {
        var frame = new JObject
        {
            ["action"] = Actions.Message,
            ["channel"] = _channel,
            ["channelSerial"] = _channelSerial,
            ["timestamp"] = _timestamp,
            ["messages"] = WireMessages.For(_messages, _frameId, _connectionId, _timestamp),
        };
        if (_connectionId is not null)
        {
            frame["id"] = _frameId;
            frame["connectionId"] = _connectionId;
        }

        return frame;
    }

    public override void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("action"u8, Actions.Message);
        writer.WriteString("channel"u8, _channel);
        writer.WriteString("channelSerial"u8, _channelSerial);
        writer.WriteNumber("timestamp"u8, _timestamp);
        writer.WriteStartArray("messages"u8);
        for (var index = 0; index < _messages.Count; index++)
        {
            WriteJson(writer, _messages[index], index);
        }

        writer.WriteEndArray();
        if (_connectionId is not null)
        {
            writer.WriteString("id"u8, _frameId);
            writer.WriteString("connectionId"u8, _connectionId);
        }

        writer.WriteEndObject();
    }

    public override void WriteMsgPack(ref MessagePackWriter writer)
    {
        writer.WriteMapHeader(_connectionId is null ? 5 : 7);
        writer.Write("action");
        writer.Write(Actions.Message);
        writer.Write("channel");
        writer.Write(_channel);
        writer.Write("channelSerial");
        writer.Write(_channelSerial);
        writer.Write("timestamp");
        writer.Write(_timestamp);
        writer.Write("messages");
        writer.WriteArrayHeader(_messages.Count);
        for (var index = 0; index < _messages.Count; index++)
        {
            WriteMsgPack(ref writer, _messages[index], index);
        }

        if (_connectionId is not null)
        {
            writer.Write("id");
            writer.Write(_frameId);
            writer.Write("connectionId");
            writer.Write(_connectionId);
        }
    }

    private void WriteJson(Utf8JsonWriter writer, StoredMessage message, int index)
    {
        writer.WriteStartObject();
        if (WireMessages.KeepsId(message, index, _frameId))
        {
            writer.WriteString("id"u8, message.Id);
        }

        WriteString(writer, "clientId"u8, message.ClientId);
        if (WireMessages.KeepsConnectionId(message, _connectionId))
        {
            writer.WriteString("connectionId"u8, message.ConnectionId);
        }

        WriteString(writer, "name"u8, message.Name);
        switch (message.Data)
        {
            case string text:
                writer.WriteString("data"u8, text);
                WriteString(writer, "encoding"u8, message.Encoding);
                break;
            case byte[] bytes:
                writer.WriteBase64String("data"u8, bytes);
                writer.WriteString("encoding"u8, string.IsNullOrEmpty(message.Encoding) ? "base64" : message.Encoding + "/base64");
                break;
            case JToken token:
                writer.WritePropertyName("data"u8);
                FrameEncoder.WriteToken(writer, token);
                WriteString(writer, "encoding"u8, message.Encoding);
                break;
            default:
                WriteString(writer, "encoding"u8, message.Encoding);
                break;
        }

        if (message.Others is { } others)
        {
            // Walked through First/Next rather than Properties(): no enumerator per message.
            for (var property = (JProperty?)others.First; property is not null; property = (JProperty?)property.Next)
            {
                writer.WritePropertyName(property.Name);
                FrameEncoder.WriteToken(writer, property.Value);
            }
        }

        if (WireMessages.KeepsTimestamp(message, _timestamp))
        {
            writer.WriteNumber("timestamp"u8, message.Timestamp!.Value);
        }

        WriteString(writer, "serial"u8, message.Serial);
        if (message.Action is { } action)
        {
            writer.WriteNumber("action"u8, action);
        }

        writer.WriteEndObject();
    }

    private void WriteMsgPack(ref MessagePackWriter writer, StoredMessage message, int index)
    {
        var keepsId = WireMessages.KeepsId(message, index, _frameId);
        var keepsConnectionId = WireMessages.KeepsConnectionId(message, _connectionId);
        var keepsTimestamp = WireMessages.KeepsTimestamp(message, _timestamp);
        var count = Count(keepsId) + Count(message.ClientId is not null) + Count(keepsConnectionId) + Count(message.Name is not null)
            + Count(message.Data is not null) + Count(message.Encoding is not null) + (message.Others?.Count ?? 0)
            + Count(keepsTimestamp) + Count(message.Serial is not null) + Count(message.Action is not null);
        writer.WriteMapHeader(count);
        if (keepsId)
        {
            Write(ref writer, "id", message.Id);
        }

        Write(ref writer, "clientId", message.ClientId);
        if (keepsConnectionId)
        {
            Write(ref writer, "connectionId", message.ConnectionId);
        }

        Write(ref writer, "name", message.Name);
        switch (message.Data)
        {
            case string text:
                Write(ref writer, "data", text);
                break;
            case byte[] bytes:
                writer.Write("data");
                writer.Write(bytes);
                break;
            case JToken token:
                writer.Write("data");
                MsgPackTree.WriteToken(ref writer, token);
                break;
        }

        Write(ref writer, "encoding", message.Encoding);
        if (message.Others is { } others)
        {
            for (var property = (JProperty?)others.First; property is not null; property = (JProperty?)property.Next)
            {
                writer.Write(property.Name);
                MsgPackTree.WriteToken(ref writer, property.Value);
            }
        }

        if (keepsTimestamp)
        {
            writer.Write("timestamp");
            writer.Write(message.Timestamp!.Value);
        }

        Write(ref writer, "serial", message.Serial);
        if (message.Action is { } action)
        {
            writer.Write("action");
            writer.Write(action);
        }
    }

    private static int Count(bool present) => present ? 1 : 0;

    private static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Write(ref MessagePackWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.Write(name);
            writer.Write(value);
        }
    }
}
