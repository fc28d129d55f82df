using System.Text.Json;
using MessagePack;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// A server→client frame on the hot path (an ACK, a published MESSAGE) that writes its bytes straight from its own
/// fields instead of building a JObject tree first. The tree is built only when something asks for it (a fault rule,
/// the frame log, a filtered or renamed attachment), so every consumer of <see cref="OutgoingFrame.Message"/> still
/// sees the same frame.
/// </summary>
/// <remarks>
/// A publish used to build four trees (the MESSAGE frame, its message copies, the ACK and its result) and serialise
/// them through Newtonsoft; together they were about half of the emulator's allocations per message
/// (docs/benchmarks.md, "The emulator's hot path").
/// </remarks>
internal abstract class FrameContent
{
    /// <summary>The ProtocolMessage action.</summary>
    public abstract int Action { get; }

    /// <summary>False when the JSON form needs the tree (binary data is base64-encoded on JSON egress).</summary>
    public virtual bool WritesJson => true;

    /// <summary>The frame as a tree, equal to what the writers produce.</summary>
    public abstract JObject ToTree();

    /// <summary>Writes the frame as one JSON object.</summary>
    public abstract void WriteJson(Utf8JsonWriter writer);

    /// <summary>Writes the frame as one msgpack map.</summary>
    public abstract void WriteMsgPack(ref MessagePackWriter writer);
}
