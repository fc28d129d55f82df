using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The registered channels by name: an open-addressing table (at most three quarters full, linear probing) whose
/// entries are a name and its sink side by side in one array, written on the loop and read from any thread. It is the
/// registry's lookup and also the table the decoding thread asks for a frame's channel name (<see cref="IKnownNames"/>),
/// so a registered channel's frames carry its own name string and no separate table of names is kept.
/// </summary>
/// <remarks>
/// A reader takes the current array once and probes it. The decoder reads only the names: a slot holds one reference
/// to an immutable string, so a read is never torn; slots are written with release stores, an entry's sink before its
/// name. Growing builds a new array and publishes it whole; a removal clears the entry and moves the following entries
/// of its run back, so a reader racing with it may miss an entry (the decoder then makes a new string, as for an
/// unknown name) but never finds a removed one after the removal. The loop, the only writer, reads names and sinks
/// consistently. A frame's name that is the registry's own string is recognised by reference, without comparing text.
/// </remarks>
internal sealed class ChannelTable : IKnownNames
{
    private const int MinCapacity = 8;
    private const int IndexBits = 24;
    private const long IndexMask = (1L << IndexBits) - 1;

    // Entry i: the name at 2i (a string), its sink at 2i + 1.
    private object?[] _entries = new object?[2 * MinCapacity];
    private int _count;
    private long _version = IKnownNames.NextVersion();

    // An entry Find returned and the version it was found at, packed in one word so that it is read whole: the index
    // in the low 24 bits (tables of up to 2^24 entries; larger ones keep none), the version above.
    private long _lastFound = -1;

    public int Count => _count;

    /// <inheritdoc />
    public long Version => Volatile.Read(ref _version);

    /// <summary>The sink registered under <paramref name="name"/> (loop only).</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out IChannelSink sink)
    {
        var entries = _entries;
        var index = IndexOf(entries, name);
        sink = index < 0 ? null : Unsafe.As<IChannelSink>(entries[(2 * index) + 1]);
        return sink is not null;
    }

    /// <inheritdoc />
    public string? LastFound
    {
        get
        {
            var last = Volatile.Read(ref _lastFound);
            var entries = Volatile.Read(ref _entries);
            var index = (int)(last & IndexMask);
            return last >> IndexBits == Version && 2 * index < entries.Length ? Volatile.Read(ref entries[2 * index]) as string : null;
        }
    }

    /// <inheritdoc />
    public string? Find(ReadOnlySpan<char> text)
    {
        var version = Version;
        var entries = Volatile.Read(ref _entries);
        var capacity = entries.Length / 2;
        var mask = capacity - 1;

        // At most one pass: a reader racing with removals on the loop stops even if entries move past it.
        for (int i = Home(text, mask), probes = 0; probes < capacity; i = (i + 1) & mask, probes++)
        {
            if (Volatile.Read(ref entries[2 * i]) is not string name)
            {
                return null;
            }

            if (text.SequenceEqual(name))
            {
                // Kept only when none is valid: across many channels the name changes with every frame, and a write
                // per frame to the line the loop reads would cost more than the check saves.
                if (i <= IndexMask && Volatile.Read(ref _lastFound) >> IndexBits != version)
                {
                    Volatile.Write(ref _lastFound, (version << IndexBits) | (long)i);
                }

                return name;
            }
        }

        return null;
    }

    /// <summary>Adds <paramref name="sink"/> or replaces the sink of its name (loop only); true when it was added.</summary>
    public bool Set(IChannelSink sink)
    {
        var entries = _entries;
        var index = IndexOf(entries, sink.Name);
        if (index >= 0)
        {
            Volatile.Write(ref entries[(2 * index) + 1], sink);
            Volatile.Write(ref entries[2 * index], sink.Name);
            Volatile.Write(ref _version, IKnownNames.NextVersion());
            return false;
        }

        if ((_count + 1) * 4 > entries.Length / 2 * 3)
        {
            entries = Grown(entries);
            Volatile.Write(ref _entries, entries);
        }

        Insert(entries, sink);
        _count++;
        Volatile.Write(ref _version, IKnownNames.NextVersion());
        return true;
    }

    /// <summary>Removes the sink of <paramref name="name"/> (loop only); true when there was one.</summary>
    public bool Remove(string name)
    {
        var entries = _entries;
        var hole = IndexOf(entries, name);
        if (hole < 0)
        {
            return false;
        }

        Clear(entries, hole);
        _count--;
        Volatile.Write(ref _version, IKnownNames.NextVersion());

        // Backward shift: each following entry of the run whose home is not between the hole and itself moves into
        // the hole (written there before it is cleared where it was), so no lookup needs a marker for removed slots.
        var mask = (entries.Length / 2) - 1;
        for (var j = (hole + 1) & mask; entries[2 * j] is string next; j = (j + 1) & mask)
        {
            var home = Home(next, mask);
            var stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays)
            {
                Volatile.Write(ref entries[(2 * hole) + 1], entries[(2 * j) + 1]);
                Volatile.Write(ref entries[2 * hole], next);
                Clear(entries, j);
                hole = j;
            }
        }

        return true;
    }

    private static int Home(ReadOnlySpan<char> name, int mask) => string.GetHashCode(name) & mask;

    private static void Clear(object?[] entries, int index)
    {
        Volatile.Write(ref entries[2 * index], null);
        Volatile.Write(ref entries[(2 * index) + 1], null);
    }

    private static int IndexOf(object?[] entries, string name)
    {
        var capacity = entries.Length / 2;
        var mask = capacity - 1;
        for (int i = Home(name, mask), probes = 0; probes < capacity; i = (i + 1) & mask, probes++)
        {
            if (entries[2 * i] is not string known)
            {
                return -1;
            }

            // A decoded frame's name is usually the registered string itself.
            if (ReferenceEquals(known, name) || string.Equals(known, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Insert(object?[] entries, IChannelSink sink)
    {
        var mask = (entries.Length / 2) - 1;
        var i = Home(sink.Name, mask);
        while (entries[2 * i] is not null)
        {
            i = (i + 1) & mask;
        }

        Volatile.Write(ref entries[(2 * i) + 1], sink);
        Volatile.Write(ref entries[2 * i], sink.Name);
    }

    private static object?[] Grown(object?[] entries)
    {
        var grown = new object?[entries.Length * 2];
        for (var i = 0; i < entries.Length; i += 2)
        {
            if (entries[i + 1] is IChannelSink sink)
            {
                Insert(grown, sink);
            }
        }

        return grown;
    }
}
