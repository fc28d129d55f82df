using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The channels known to the connection loop. Only touched on the loop: channels register and unregister there
/// (use <see cref="ConnectionLoop.Execute(System.Action)"/> from other threads), and the loop dispatches frames and state changes
/// through it. Dispatch never lets a sink's exception escape into the loop.
/// </summary>
internal sealed class ChannelRegistry
{
    private readonly Dictionary<string, IChannelSink> _sinks = new(StringComparer.Ordinal);
    private readonly Action<string, Exception> _onSinkFault;
    private volatile IChannelSink[] _snapshot = Array.Empty<IChannelSink>();

    public ChannelRegistry(Action<string, Exception> onSinkFault)
    {
        _onSinkFault = onSinkFault;
    }

    public int Count => _snapshot.Length;

    /// <summary>Channel serials recovered from <c>ClientOptions.Recover</c> (RTN16j); channels use them on their first attach.</summary>
    public IReadOnlyDictionary<string, string> RecoveredChannelSerials { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Registers a channel (on the loop). Replaces a sink of the same name.</summary>
    public void Register(IChannelSink sink)
    {
        _sinks[sink.Name] = sink;
        _snapshot = _sinks.Values.ToArray();
    }

    /// <summary>Unregisters a channel (on the loop); frames for it are then ignored.</summary>
    public void Unregister(string name)
    {
        if (_sinks.Remove(name))
        {
            _snapshot = _sinks.Values.ToArray();
        }
    }

    public bool TryGet(string name, out IChannelSink sink) => _sinks.TryGetValue(name, out sink!);

    /// <summary>The channels' current serials for a recovery key (RTN16); safe from any thread.</summary>
    public IReadOnlyDictionary<string, string> ChannelSerials()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sink in _snapshot)
        {
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
        if (message.Channel is null || !_sinks.TryGetValue(message.Channel, out var sink))
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
        foreach (var sink in _snapshot)
        {
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
}
