using System.Diagnostics.CodeAnalysis;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The registered channels by name: an open-addressing table of the sinks themselves (one reference per slot, at most
/// three quarters full, linear probing), written on the loop and read from any thread. It is the registry's lookup
/// and also the table the decoding thread asks for a frame's channel name (<see cref="IKnownNames"/>), so a
/// registered channel's frames carry its own name string and no separate table of names is kept.
/// </summary>
/// <remarks>
/// A reader takes the current array once and probes it. Every slot holds one reference to an immutable name's sink,
/// so a read is never torn; a slot is written with a release store. Growing builds a new array and publishes it whole;
/// a removal clears the slot and moves the following entries of its run back, so a reader racing with it may miss an
/// entry (the decoder then makes a new string, as for an unknown name) but never finds a removed one after the removal.
/// </remarks>
internal sealed class ChannelTable : IKnownNames
{
    private const int MinCapacity = 8;

    private IChannelSink?[] _slots = new IChannelSink?[MinCapacity];
    private int _count;
    private long _version = IKnownNames.NextVersion();

    public int Count => _count;

    /// <inheritdoc />
    public long Version => Volatile.Read(ref _version);

    /// <summary>The sink registered under <paramref name="name"/> (any thread).</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out IChannelSink sink)
    {
        sink = Lookup(name);
        return sink is not null;
    }

    /// <inheritdoc />
    public string? Find(ReadOnlySpan<char> text) => Lookup(text)?.Name;

    /// <summary>Adds <paramref name="sink"/> or replaces the sink of its name (loop only); true when it was added.</summary>
    public bool Set(IChannelSink sink)
    {
        var slots = _slots;
        var index = IndexOf(slots, sink.Name);
        if (index >= 0)
        {
            Volatile.Write(ref slots[index], sink);
            Volatile.Write(ref _version, IKnownNames.NextVersion());
            return false;
        }

        if ((_count + 1) * 4 > slots.Length * 3)
        {
            slots = Grown(slots);
            Volatile.Write(ref _slots, slots);
        }

        Insert(slots, sink);
        _count++;
        Volatile.Write(ref _version, IKnownNames.NextVersion());
        return true;
    }

    /// <summary>Removes the sink of <paramref name="name"/> (loop only); true when there was one.</summary>
    public bool Remove(string name)
    {
        var slots = _slots;
        var hole = IndexOf(slots, name);
        if (hole < 0)
        {
            return false;
        }

        Volatile.Write(ref slots[hole], null);
        _count--;
        Volatile.Write(ref _version, IKnownNames.NextVersion());

        // Backward shift: each following entry of the run whose home is not between the hole and itself moves into
        // the hole (written there before it is cleared where it was), so no lookup needs a marker for removed slots.
        var mask = slots.Length - 1;
        for (var j = (hole + 1) & mask; slots[j] is { } next; j = (j + 1) & mask)
        {
            var home = Home(next.Name, mask);
            var stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays)
            {
                Volatile.Write(ref slots[hole], next);
                Volatile.Write(ref slots[j], null);
                hole = j;
            }
        }

        return true;
    }

    private static int Home(ReadOnlySpan<char> name, int mask) => string.GetHashCode(name) & mask;

    private static int IndexOf(IChannelSink?[] slots, string name)
    {
        var mask = slots.Length - 1;
        for (int i = Home(name, mask), probes = 0; probes < slots.Length; i = (i + 1) & mask, probes++)
        {
            var sink = slots[i];
            if (sink is null)
            {
                return -1;
            }

            if (string.Equals(sink.Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Insert(IChannelSink?[] slots, IChannelSink sink)
    {
        var mask = slots.Length - 1;
        var i = Home(sink.Name, mask);
        while (slots[i] is not null)
        {
            i = (i + 1) & mask;
        }

        Volatile.Write(ref slots[i], sink);
    }

    private static IChannelSink?[] Grown(IChannelSink?[] slots)
    {
        var grown = new IChannelSink?[slots.Length * 2];
        foreach (var sink in slots)
        {
            if (sink is not null)
            {
                Insert(grown, sink);
            }
        }

        return grown;
    }

    private IChannelSink? Lookup(ReadOnlySpan<char> name)
    {
        var slots = Volatile.Read(ref _slots);
        var mask = slots.Length - 1;

        // At most one pass: a reader racing with removals on the loop stops even if entries move past it.
        for (int i = Home(name, mask), probes = 0; probes < slots.Length; i = (i + 1) & mask, probes++)
        {
            var sink = Volatile.Read(ref slots[i]);
            if (sink is null)
            {
                return null;
            }

            if (name.SequenceEqual(sink.Name))
            {
                return sink;
            }
        }

        return null;
    }
}
