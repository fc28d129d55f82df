namespace Reliably.Rx.Channels;

/// <summary>
/// The ids and serials of the most recently delivered messages, bounded (oldest forgotten first): what backfill
/// de-duplicates against. Loop-only.
/// </summary>
internal sealed class RecentKeys
{
    private readonly int _capacity;
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public RecentKeys(int capacity)
    {
        _capacity = capacity;
    }

    public void Add(Message message)
    {
        if (message.Id is { } id)
        {
            Add("i:" + id);
        }

        if (message.Serial is { } serial)
        {
            Add("s:" + serial);
        }
    }

    public bool Contains(Message message) =>
        (message.Id is { } id && _set.Contains("i:" + id)) || (message.Serial is { } serial && _set.Contains("s:" + serial));

    private void Add(string key)
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
}
