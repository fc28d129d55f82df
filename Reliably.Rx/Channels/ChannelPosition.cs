using Reliably.Rx.Buffers;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Channels;

/// <summary>
/// Where a channel stands in its attachment (RTL15) and what the server granted (RTL4k1, RTL4m): written on the loop,
/// read from anywhere (the façade's public properties read these published values).
/// </summary>
internal sealed class ChannelPosition
{
    private static readonly IReadOnlyDictionary<string, string> NoParams = new Dictionary<string, string>();

    // Written with every frame: kept as characters, so the position holds no reference to a frame's young string.
    private PublishedText _channelSerial;
    private volatile string? _attachSerial;
    private volatile IReadOnlyDictionary<string, string> _params = NoParams;
    private int _modes;

    /// <param name="recoveredChannelSerial">RTN16j: the channel serial of a recovered connection, used on the first attach.</param>
    public ChannelPosition(string? recoveredChannelSerial)
    {
        _channelSerial.SetShared(recoveredChannelSerial);
    }

    /// <summary>
    /// RTL15b: the channelSerial of the latest delivered MESSAGE, PRESENCE, ANNOTATION or OBJECT frame or processed
    /// ATTACHED, sent in every re-ATTACH (RTL4c1). A new string for each read, from any thread.
    /// </summary>
    public string? ChannelSerial => _channelSerial.Read();

    /// <summary>RTL15c: the channelSerial of the latest ATTACHED that did not resume.</summary>
    public string? AttachSerial => _attachSerial;

    /// <summary>RTL4k1: the params of the latest ATTACHED; empty before that or when it sent none.</summary>
    public IReadOnlyDictionary<string, string> Params => _params;

    /// <summary>RTL4m: the modes of the latest ATTACHED; none before that.</summary>
    public ChannelModes Modes => (ChannelModes)Volatile.Read(ref _modes);

    /// <summary>RTL15b: the position advances with every frame that carries one. Loop only.</summary>
    public void Store(ProtocolMessage message)
    {
        if (message.ChannelSerial is { } serial)
        {
            _channelSerial.Set(serial);
        }
    }

    /// <summary>RTL15b2: the position is meaningless once the attachment has ended (DETACHED, FAILED). Loop only.</summary>
    public void Clear() => _channelSerial.Set(null);

    /// <summary>RTL15c, RTL15b, RTL4k1, RTL4m: what an ATTACHED tells. Loop only.</summary>
    public void ApplyAttached(ProtocolMessage attached)
    {
        // RTL15c: only an ATTACHED that did not resume marks a new attach point; a resumed one continues the attachment.
        if (!attached.HasFlag(ProtocolFlags.Resumed))
        {
            _attachSerial = attached.ChannelSerial;
        }

        // RTL15b: an ATTACHED's serial is held as it is (it is also the attach serial, and ATTACHED frames are rare);
        // only the per-message frames' serials are copied (Store).
        if (attached.ChannelSerial is { } serial)
        {
            _channelSerial.SetShared(serial);
        }

        Volatile.Write(ref _modes, attached.Flags is { } flags ? (int)(flags & ProtocolFlags.ModeMask) : 0);
        _params = attached.Params is { } p ? new Dictionary<string, string>(p) : NoParams;
    }
}
