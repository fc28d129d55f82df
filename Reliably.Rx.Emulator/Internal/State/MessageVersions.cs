using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// The latest version and the version history of every message a channel still remembers, by message serial. A message
/// published as a create is its own first version; each update, delete or append adds one, and the latest replaces the
/// original in history and getMessage ("in the place in history of the original", as Ably documents it). Bounded like
/// the channel's history: the oldest message is forgotten first. Not thread-safe: the channel's lock guards it.
/// </summary>
internal sealed class MessageVersions
{
    // A message never changed is its stored form alone; its first change turns it into a list of trees, oldest first.
    // (Most messages are never changed: a list and a tree per publish were a large part of the emulator's allocation.)
    private readonly Dictionary<string, object> _versions = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly int _limit;

    public MessageVersions(int limit)
    {
        _limit = limit;
    }

    /// <summary>True once any message on the channel has been changed (rewind then shows latest versions).</summary>
    public bool AnyChanged { get; private set; }

    /// <summary>Records a freshly published message (it carries its serial) as its first version.</summary>
    public void Created(string serial, StoredMessage message)
    {
        if (!_versions.TryAdd(serial, message))
        {
            return;
        }

        _order.Enqueue(serial);
        while (_order.Count > _limit)
        {
            _versions.Remove(_order.Dequeue());
        }
    }

    /// <summary>True when the channel still remembers the message.</summary>
    public bool Contains(string serial) => _versions.ContainsKey(serial);

    /// <summary>The latest version of a message, or null when the channel does not know (or no longer remembers) it.</summary>
    public JObject? Latest(string serial) => _versions.TryGetValue(serial, out var entry)
        ? entry is List<JObject> list ? list[^1] : ((StoredMessage)entry).ToTree()
        : null;

    /// <summary>The latest version of a message that has been changed; null for an unchanged or unknown message.</summary>
    public JObject? LatestChange(string serial) =>
        _versions.TryGetValue(serial, out var entry) && entry is List<JObject> list ? list[^1] : null;

    /// <summary>Every version of a message, oldest first; empty when unknown.</summary>
    public IReadOnlyList<JObject> All(string serial) => _versions.TryGetValue(serial, out var entry)
        ? entry is List<JObject> list ? list.ToList() : [((StoredMessage)entry).ToTree()]
        : [];

    /// <summary>Adds a new latest version of a known message.</summary>
    public void Add(string serial, JObject version)
    {
        if (_versions[serial] is List<JObject> list)
        {
            list.Add(version);
        }
        else
        {
            _versions[serial] = new List<JObject> { ((StoredMessage)_versions[serial]).ToTree(), version };
        }

        AnyChanged = true;
    }
}
