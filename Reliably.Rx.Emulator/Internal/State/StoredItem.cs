using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A message or presence message kept for REST history, in canonical (binary-as-bytes) form: a published message in its
/// compact form (<see cref="StoredMessage"/>), anything else as a tree. Never mutated after storing. A struct: history
/// holds one per published message, and an object each was a measurable part of the emulator's allocation per publish.
/// </summary>
internal readonly struct StoredItem
{
    private readonly JObject? _tree;

    /// <param name="ordinal">Monotonic position, used as the opaque pagination cursor.</param>
    /// <param name="seq">Channel position of the ProtocolMessage it came in.</param>
    /// <param name="timestamp">Message timestamp, ms.</param>
    /// <param name="item">The message tree.</param>
    public StoredItem(long ordinal, long seq, long timestamp, JObject item)
        : this(ordinal, seq, timestamp)
    {
        _tree = item;
    }

    /// <param name="ordinal">Monotonic position, used as the opaque pagination cursor.</param>
    /// <param name="seq">Channel position of the ProtocolMessage it came in.</param>
    /// <param name="timestamp">Message timestamp, ms.</param>
    /// <param name="message">The published message.</param>
    public StoredItem(long ordinal, long seq, long timestamp, StoredMessage message)
        : this(ordinal, seq, timestamp)
    {
        Message = message;
    }

    private StoredItem(long ordinal, long seq, long timestamp)
    {
        Ordinal = ordinal;
        Seq = seq;
        Timestamp = timestamp;
        _tree = null;
        Message = null;
    }

    public long Ordinal { get; }

    public long Seq { get; }

    public long Timestamp { get; }

    /// <summary>The published message, when this item is one in compact form.</summary>
    public StoredMessage? Message { get; }

    /// <summary>The item as a tree: the stored tree, or a new one built from the compact form on every call.</summary>
    public JObject Item => _tree ?? Message!.ToTree();

    /// <summary>The same position in history showing another version of the message (a changed message, RSL15).</summary>
    public StoredItem WithItem(JObject item) => new(Ordinal, Seq, Timestamp, item);
}
