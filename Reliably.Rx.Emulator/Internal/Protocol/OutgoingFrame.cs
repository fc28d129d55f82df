using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// A server→client ProtocolMessage serialized at most once per wire format, so fan-out to many subscribers shares bytes.
/// It is either a tree, or a <see cref="FrameContent"/> that writes its bytes directly and builds the tree only on demand.
/// </summary>
internal sealed class OutgoingFrame
{
    private readonly FrameContent? _content;
    private JObject? _message;
    private byte[]? _json;
    private byte[]? _msgpack;

    public OutgoingFrame(JObject message)
    {
        _message = message;
        Action = message.Value<int?>("action") ?? -1;
    }

    public OutgoingFrame(FrameContent content)
    {
        _content = content;
        Action = content.Action;
    }

    public int Action { get; }

    /// <summary>The tree; callers must not mutate it once the frame has been shared.</summary>
    public JObject Message => _message ?? BuildTree();

    public byte[] GetBytes(WireFormat format)
    {
        if (format == WireFormat.MsgPack)
        {
            return _msgpack ??= _content is { } direct ? FrameEncoder.Encode(direct, format) : WireCodec.Encode(Message, format);
        }

        return _json ??= _content is { WritesJson: true } content
            ? FrameEncoder.Encode(content, format)
            : WireCodec.Encode(DataCodec.EgressProtocolMessage(Message, WireFormat.Json), WireFormat.Json);
    }

    private JObject BuildTree()
    {
        // Readers may race here (a subscriber's writer and a frame rule); the first tree wins and all see the same one.
        var tree = _content!.ToTree();
        return Interlocked.CompareExchange(ref _message, tree, null) ?? tree;
    }
}
