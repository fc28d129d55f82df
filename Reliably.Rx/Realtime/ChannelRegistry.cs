using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The channels known to the connection loop. Only changed on the loop: channels register and unregister there
/// (use <see cref="ConnectionLoop.Execute(System.Action)"/> from other threads), and the loop dispatches frames and state changes
/// through it. Dispatch never lets a sink's exception escape into the loop. <see cref="Names"/> is the same table for
/// the thread that decodes the connection's frames: a registered channel's frames carry its own name string.
/// </summary>
internal sealed class ChannelRegistry
{
    private readonly ChannelTable _sinks = new();
    private readonly Action<string, Exception> _onSinkFault;
    private volatile SinkList _snapshot = SinkList.Empty;

    public ChannelRegistry(Action<string, Exception> onSinkFault)
    {
        _onSinkFault = onSinkFault;
    }

    public int Count => _snapshot.Count;

    /// <summary>The registered channels' names, for the decoder (any thread).</summary>
    public IKnownNames Names => _sinks;

    /// <summary>Channel serials recovered from <c>ClientOptions.Recover</c> (RTN16j); channels use them on their first attach.</summary>
    public IReadOnlyDictionary<string, string> RecoveredChannelSerials { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Registers a channel (on the loop). Replaces a sink of the same name.</summary>
    public void Register(IChannelSink sink)
    {
        if (_sinks.Set(sink))
        {
            // Appending is amortised O(1), so registering n channels costs O(n), not O(n²) as a copy per channel did.
            _snapshot = _snapshot.Append(sink);
            return;
        }

        _snapshot = _snapshot.Without(sink.Name, sink);
    }

    /// <summary>Unregisters a channel (on the loop); frames for it are then ignored.</summary>
    public void Unregister(string name)
    {
        if (_sinks.Remove(name))
        {
            _snapshot = _snapshot.Without(name, null);
        }
    }

    public bool TryGet(string name, out IChannelSink sink) => _sinks.TryGet(name, out sink!);

    /// <summary>The channels' current serials for a recovery key (RTN16); safe from any thread.</summary>
    public IReadOnlyDictionary<string, string> ChannelSerials()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var snapshot = _snapshot;
        for (var i = 0; i < snapshot.Count; i++)
        {
            var sink = snapshot.Items[i];
            if (sink.ChannelSerial is { } serial)
            {
                result[sink.Name] = serial;
            }
        }

        return result;
    }

    /// <summary>Delivers a channel-scoped frame; returns false when no channel is registered under its name.</summary>
    public bool Dispatch(ProtocolMessage message)
    {
        if (message.Channel is null || !_sinks.TryGet(message.Channel, out var sink))
        {
            return false;
        }

        try
        {
            sink.OnFrame(message);
        }
        catch (Exception ex)
        {
            _onSinkFault(sink.Name, ex);
        }

        return true;
    }

    public void OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
    {
        var snapshot = _snapshot;
        for (var i = 0; i < snapshot.Count; i++)
        {
            var sink = snapshot.Items[i];
            try
            {
                sink.OnConnectionStateChanged(change, resumed);
            }
            catch (Exception ex)
            {
                _onSinkFault(sink.Name, ex);
            }
        }
    }

    /// <summary>
    /// An immutable view of the registered sinks: the first <see cref="Count"/> items of an array that only ever grows
    /// past them. A reader on any thread sees a consistent list; appending writes a slot no published view includes,
    /// and removing or replacing builds a new array.
    /// </summary>
    private sealed class SinkList
    {
        public static readonly SinkList Empty = new(Array.Empty<IChannelSink>(), 0);

        private SinkList(IChannelSink[] items, int count)
        {
            Items = items;
            Count = count;
        }

        public IChannelSink[] Items { get; }

        public int Count { get; }

        /// <summary>A new list in the same order, with the sink named <paramref name="name"/> replaced by <paramref name="replacement"/> or, when that is null, left out.</summary>
        public SinkList Without(string name, IChannelSink? replacement)
        {
            var items = new IChannelSink[Math.Max(4, Count)];
            var count = 0;
            for (var i = 0; i < Count; i++)
            {
                var sink = Items[i];
                if (!string.Equals(sink.Name, name, StringComparison.Ordinal))
                {
                    items[count++] = sink;
                }
                else if (replacement is not null)
                {
                    items[count++] = replacement;
                }
            }

            return new SinkList(items, count);
        }

        public SinkList Append(IChannelSink sink)
        {
            var items = Items;
            if (Count == items.Length)
            {
                Array.Resize(ref items, Math.Max(4, items.Length * 2));
            }

            items[Count] = sink;
            return new SinkList(items, Count + 1);
        }
    }
}
