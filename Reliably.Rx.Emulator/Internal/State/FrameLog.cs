using System.Collections.Concurrent;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A bounded per-connection record of frames. It keeps references to the (immutable once sent) trees and renders JSON
/// only when asked, so recording costs one queue operation per frame.
/// </summary>
internal sealed class FrameLog
{
    private readonly ConcurrentQueue<(DateTimeOffset At, bool Inbound, JObject Message)> _frames = new();
    private readonly int _limit;

    public FrameLog(int limit) => _limit = limit;

    public void Record(DateTimeOffset at, bool inbound, JObject message)
    {
        if (_limit <= 0)
        {
            return;
        }

        // Inbound trees are normalised in place by the handlers afterwards; keep what the client actually sent.
        _frames.Enqueue((at, inbound, inbound ? (JObject)message.DeepClone() : message));
        while (_frames.Count > _limit && _frames.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<EmulatorFrame> Snapshot() => _frames.Select(f => new EmulatorFrame(
        f.At,
        f.Inbound ? EmulatorFrameDirection.Inbound : EmulatorFrameDirection.Outbound,
        f.Message["action"]?.Type == JTokenType.Integer ? f.Message.Value<int>("action") : -1,
        f.Message.ToString(Formatting.None))).ToList();
}
