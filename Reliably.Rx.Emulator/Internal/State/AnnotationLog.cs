using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// The annotations of every message a channel still remembers, by message serial, in the order the channel received
/// them. Bounded like the channel's history: the annotations of the message annotated longest ago go first. Not
/// thread-safe: the channel's lock guards it.
/// </summary>
internal sealed class AnnotationLog
{
    private readonly Dictionary<string, List<JObject>> _byMessage = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly int _limit;

    public AnnotationLog(int limit)
    {
        _limit = limit;
    }

    /// <summary>Adds a stored annotation of the message <paramref name="messageSerial"/>.</summary>
    public void Add(string messageSerial, JObject annotation)
    {
        if (!_byMessage.TryGetValue(messageSerial, out var list))
        {
            _byMessage[messageSerial] = list = [];
            _order.Enqueue(messageSerial);
            while (_order.Count > _limit)
            {
                _byMessage.Remove(_order.Dequeue());
            }
        }

        list.Add(annotation);
    }

    /// <summary>The annotations of a message, oldest first; empty when it has none.</summary>
    public IReadOnlyList<JObject> Of(string messageSerial) => _byMessage.TryGetValue(messageSerial, out var list) ? list.ToList() : [];
}
