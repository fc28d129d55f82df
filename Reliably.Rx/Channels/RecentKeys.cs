namespace Reliably.Rx.Channels;

/// <summary>
/// The ids and serials of the most recently delivered messages, bounded (oldest forgotten first): what backfill
/// de-duplicates against. An update, delete or append keeps its message's serial and carries a later version serial
/// (TM2s), so a serial is remembered with the latest version delivered for it, and a message is a duplicate only when
/// its version is no newer (version serials order lexicographically, TM2s1). Keys are (kind, value) structs, so
/// tracking allocates no strings. Loop-only.
/// </summary>
internal sealed class RecentKeys
{
    private readonly int _capacity;

    // Created with the first key: a channel whose messages are not tracked (no backfill yet) holds neither.
    private Dictionary<Key, string?>? _versions;
    private Queue<Key>? _order;
    private long _suppressed;

    public RecentKeys(int capacity)
    {
        _capacity = capacity;
    }

    public void Add(Message message)
    {
        if (message.Id is { } id)
        {
            Add(new Key(false, id), null);
        }

        if (message.Serial is { } serial)
        {
            Add(new Key(true, serial), VersionOf(message));
        }
    }

    /// <summary>Live messages not delivered because they were found here (diagnostics and tests; read from any thread).</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    /// <summary>Counts one message not delivered because it was found here (on the loop).</summary>
    public void CountSuppressed() => Interlocked.Increment(ref _suppressed);

    public bool Contains(Message message)
    {
        if (_versions is null)
        {
            return false;
        }

        if (message.Id is { } id && _versions.ContainsKey(new Key(false, id)))
        {
            // The same id is the same message, at the same version (RSL1k): each change has an id of its own.
            return true;
        }

        return message.Serial is { } serial && _versions.TryGetValue(new Key(true, serial), out var delivered)
            && string.CompareOrdinal(VersionOf(message), delivered) <= 0;
    }

    /// <summary>True when an earlier version of <paramref name="message"/> was delivered, but not this one.</summary>
    public bool HasOlderVersionOf(Message message) =>
        message.Serial is { } serial && _versions is not null && _versions.TryGetValue(new Key(true, serial), out var delivered)
        && string.CompareOrdinal(VersionOf(message), delivered) > 0;

    /// <summary>TM2s1: a message without a version serial is its serial's first version.</summary>
    private static string? VersionOf(Message message) => message.Version?.Serial ?? message.Serial;

    private void Add(Key key, string? version)
    {
        _versions ??= new Dictionary<Key, string?>();
        _order ??= new Queue<Key>();
        if (_versions.TryGetValue(key, out var known))
        {
            if (string.CompareOrdinal(version, known) > 0)
            {
                _versions[key] = version;
            }

            return;
        }

        _versions[key] = version;
        _order.Enqueue(key);
        if (_order.Count > _capacity)
        {
            _versions.Remove(_order.Dequeue());
        }
    }

    /// <summary>An id or a serial; string equality is ordinal.</summary>
    private readonly record struct Key(bool IsSerial, string Value);
}
