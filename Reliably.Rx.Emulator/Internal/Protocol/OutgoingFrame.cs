using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// A server→client ProtocolMessage serialized at most once per wire format, so fan-out to many subscribers shares bytes.
/// </summary>
internal sealed class OutgoingFrame
{
    private readonly JObject _message;
    private byte[]? _json;
    private byte[]? _msgpack;

    public OutgoingFrame(JObject message)
    {
        _message = message;
        Action = message.Value<int?>("action") ?? -1;
    }

    public int Action { get; }

    /// <summary>The tree; callers must not mutate it once the frame has been shared.</summary>
    public JObject Message => _message;

    public byte[] GetBytes(WireFormat format)
    {
        if (format == WireFormat.MsgPack)
        {
            return _msgpack ??= WireCodec.Encode(_message, WireFormat.MsgPack);
        }

        return _json ??= WireCodec.Encode(DataCodec.EgressProtocolMessage(_message, WireFormat.Json), WireFormat.Json);
    }
}
