using System.Text.Json;
using MessagePack;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// The MESSAGE frame that fans published or changed messages out (RTL7): written straight from the stored messages,
/// without what the client derives from the frame (<see cref="WireMessages"/>), and with a realtime publisher's frame id
/// and connectionId. The stored messages are never mutated once published, so the frame can read them at any time.
/// </summary>
internal sealed class MessageFrame : FrameContent
{
    private readonly string _channel;
    private readonly string _channelSerial;
    private readonly long _timestamp;
    private readonly IReadOnlyList<JObject> _messages;
    private readonly string? _frameId;
    private readonly string? _connectionId;

    public MessageFrame(string channel, string channelSerial, long timestamp, IReadOnlyList<JObject> messages, string? frameId, string? connectionId)
    {
        _channel = channel;
        _channelSerial = channelSerial;
        _timestamp = timestamp;
        _messages = messages;
        _frameId = frameId;
        _connectionId = connectionId;
    }

    public override int Action => Actions.Message;

    /// <summary>JSON egress base64-encodes binary data and says so in the encoding (PROTOCOL.md 3.3): that goes through the tree.</summary>
    public override bool WritesJson
    {
        get
        {
            foreach (var m in _messages)
            {
                if (m["data"]?.Type == JTokenType.Bytes)
                {
                    return false;
                }
            }

            return true;
        }
    }

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

    // The properties are walked through First/Next rather than Properties(): no enumerator per message per format.
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
            writer.WriteStartObject();
            for (var property = (JProperty?)_messages[index].First; property is not null; property = (JProperty?)property.Next)
            {
                if (WireMessages.Keeps(property, index, _frameId, _connectionId, _timestamp))
                {
                    writer.WritePropertyName(property.Name);
                    FrameEncoder.WriteToken(writer, property.Value);
                }
            }

            writer.WriteEndObject();
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
            var message = _messages[index];
            var kept = 0;
            for (var property = (JProperty?)message.First; property is not null; property = (JProperty?)property.Next)
            {
                kept += WireMessages.Keeps(property, index, _frameId, _connectionId, _timestamp) ? 1 : 0;
            }

            writer.WriteMapHeader(kept);
            for (var property = (JProperty?)message.First; property is not null; property = (JProperty?)property.Next)
            {
                if (WireMessages.Keeps(property, index, _frameId, _connectionId, _timestamp))
                {
                    writer.Write(property.Name);
                    MsgPackTree.WriteToken(ref writer, property.Value);
                }
            }
        }

        if (_connectionId is not null)
        {
            writer.Write("id");
            writer.Write(_frameId);
            writer.Write("connectionId");
            writer.Write(_connectionId);
        }
    }
}
