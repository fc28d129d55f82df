using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>A message or presence message kept for REST history, in canonical (binary-as-bytes) form.</summary>
/// <param name="Ordinal">Monotonic position, used as the opaque pagination cursor.</param>
/// <param name="Seq">Channel position of the ProtocolMessage it came in.</param>
/// <param name="Timestamp">Message timestamp, ms.</param>
/// <param name="Item">The message tree; never mutated after storing.</param>
internal sealed record StoredItem(long Ordinal, long Seq, long Timestamp, JObject Item);
