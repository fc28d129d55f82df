using System.Collections.Concurrent;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A bounded per-connection record of frames. It keeps the inbound bytes as received and references to the (immutable
/// once sent) outbound frames, and renders JSON only when asked, so recording costs one copy of the inbound bytes and
/// one queue operation per frame (no tree is cloned or built on the hot path).
/// </summary>
internal sealed class FrameLog
{
    private readonly ConcurrentQueue<Entry> _frames = new();
    private readonly int _limit;

    public FrameLog(int limit) => _limit = limit;

    /// <summary>Records a frame the client sent, as it sent it (handlers normalise the decoded tree in place afterwards).</summary>
    public void RecordInbound(DateTimeOffset at, ReadOnlyMemory<byte> bytes, WireFormat format)
    {
        if (_limit > 0)
        {
            Add(new Entry(at, bytes.ToArray(), format, null));
        }
    }

    /// <summary>Records a frame written to the client.</summary>
    public void RecordOutbound(DateTimeOffset at, OutgoingFrame frame)
    {
        if (_limit > 0)
        {
            Add(new Entry(at, null, default, frame));
        }
    }

    public IReadOnlyList<EmulatorFrame> Snapshot() => _frames.Select(f =>
    {
        var message = f.Frame?.Message ?? WireCodec.Decode(f.Inbound, f.Format) as JObject ?? [];
        return new EmulatorFrame(
            f.At,
            f.Frame is null ? EmulatorFrameDirection.Inbound : EmulatorFrameDirection.Outbound,
            message["action"]?.Type == JTokenType.Integer ? message.Value<int>("action") : -1,
            message.ToString(Formatting.None));
    }).ToList();

    private void Add(Entry entry)
    {
        _frames.Enqueue(entry);
        while (_frames.Count > _limit && _frames.TryDequeue(out _))
        {
        }
    }

    private readonly record struct Entry(DateTimeOffset At, byte[]? Inbound, WireFormat Format, OutgoingFrame? Frame);
}
