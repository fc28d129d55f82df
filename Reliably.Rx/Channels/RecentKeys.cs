namespace Reliably.Rx.Channels;

/// <summary>
/// The ids and serials of the most recently delivered messages, bounded (oldest forgotten first): what backfill
/// de-duplicates against. Keys are (kind, value) structs, so tracking allocates no strings. Loop-only.
/// </summary>
internal sealed class RecentKeys
{
    private readonly int _capacity;
    private readonly HashSet<Key> _set = new();
    private readonly Queue<Key> _order = new();

    public RecentKeys(int capacity)
    {
        _capacity = capacity;
    }

    public void Add(Message message)
    {
        if (message.Id is { } id)
        {
            Add(new Key(false, id));
        }

        if (message.Serial is { } serial)
        {
            Add(new Key(true, serial));
        }
    }

    public bool Contains(Message message) =>
        (message.Id is { } id && _set.Contains(new Key(false, id))) || (message.Serial is { } serial && _set.Contains(new Key(true, serial)));

    private void Add(Key key)
    {
        if (!_set.Add(key))
        {
            return;
        }

        _order.Enqueue(key);
        if (_order.Count > _capacity)
        {
            _set.Remove(_order.Dequeue());
        }
    }

    /// <summary>An id or a serial; string equality is ordinal.</summary>
    private readonly record struct Key(bool IsSerial, string Value);
}
