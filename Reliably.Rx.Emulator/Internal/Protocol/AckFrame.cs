using System.Text.Json;
using MessagePack;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// An ACK for one ProtocolMessage (RTN7a): <c>{action:1, msgSerial, count:1, res?:[{serials:[…]}]}</c>, the serials being
/// one per published message, null for one that was not published (RTN7e).
/// </summary>
internal sealed class AckFrame : FrameContent
{
    private readonly long _msgSerial;
    private readonly IReadOnlyList<string?>? _serials;

    /// <param name="msgSerial">The acknowledged msgSerial.</param>
    /// <param name="serials">The message serials for a MESSAGE, or null for an ACK without a result (PRESENCE).</param>
    public AckFrame(long msgSerial, IReadOnlyList<string?>? serials)
    {
        _msgSerial = msgSerial;
        _serials = serials;
    }

    public override int Action => Actions.Ack;

    public override JObject ToTree()
    {
        var ack = new JObject { ["action"] = Actions.Ack, ["msgSerial"] = _msgSerial, ["count"] = 1 };
        if (_serials is not null)
        {
            ack["res"] = new JArray(new JObject { ["serials"] = new JArray(_serials.Select(s => s is null ? JValue.CreateNull() : new JValue(s))) });
        }

        return ack;
    }

    public override void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("action"u8, Actions.Ack);
        writer.WriteNumber("msgSerial"u8, _msgSerial);
        writer.WriteNumber("count"u8, 1);
        if (_serials is not null)
        {
            writer.WriteStartArray("res"u8);
            writer.WriteStartObject();
            writer.WriteStartArray("serials"u8);
            foreach (var serial in _serials)
            {
                writer.WriteStringValue(serial);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public override void WriteMsgPack(ref MessagePackWriter writer)
    {
        writer.WriteMapHeader(_serials is null ? 3 : 4);
        writer.Write("action");
        writer.Write(Actions.Ack);
        writer.Write("msgSerial");
        writer.Write(_msgSerial);
        writer.Write("count");
        writer.Write(1);
        if (_serials is not null)
        {
            writer.Write("res");
            writer.WriteArrayHeader(1);
            writer.WriteMapHeader(1);
            writer.Write("serials");
            writer.WriteArrayHeader(_serials.Count);
            foreach (var serial in _serials)
            {
                writer.Write(serial);
            }
        }
    }
}
