using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Channels;

/// <summary>
/// The ATTACH frame of a channel's attach and its RTL4f timer: sent in the connection-wide order of operations (RTL4i)
/// with the position, params and modes (RTL4c1, RTL4k, RTL4l). <see cref="ChannelAttachment"/> owns it; loop only.
/// </summary>
internal sealed class AttachRequest : IConnectedTurn
{
    private readonly ConnectionLoop _loop;
    private readonly string _name;
    private readonly IChannelHost _host;
    private readonly ChannelStateTracker _status;
    private readonly ChannelPosition _position;
    private readonly Action<ErrorInfo> _timedOut;

    // Created when first started: most channels never time out an attach or detach, or retry one (docs/benchmarks.md).
    private ChannelTimer? _timer;

    // Loop-only.
    private bool _queued;

    /// <param name="loop">The client's loop.</param>
    /// <param name="name">The channel name.</param>
    /// <param name="host">The channel's options and whether it was released.</param>
    /// <param name="status">The channel's state: an ATTACH is only sent while ATTACHING.</param>
    /// <param name="position">The channelSerial to attach from (RTL4c1).</param>
    /// <param name="timedOut">RTL4f: called, while still ATTACHING, when no ATTACHED came in time.</param>
    public AttachRequest(ConnectionLoop loop, string name, IChannelHost host, ChannelStateTracker status, ChannelPosition position, Action<ErrorInfo> timedOut)
    {
        _loop = loop;
        _name = name;
        _host = host;
        _status = status;
        _position = position;
        _timedOut = timedOut;
    }

    /// <summary>
    /// Asks the connection for a turn to send ATTACH: at once when CONNECTED and nothing waits ahead of it, otherwise in
    /// the connection-wide queue in the order the application asked (RTL4i): an implicit attach requested before a
    /// publish reaches the server before it, so the subscriber receives its own message.
    /// </summary>
    public void Send()
    {
        if (_queued || _loop.State is not (ConnectionState.Connected or ConnectionState.Connecting or ConnectionState.Disconnected or ConnectionState.Initialized))
        {
            return;
        }

        _queued = true;
        _loop.SendInTurn(this);
    }

    /// <summary>Stops the RTL4f timer (ATTACHED came, or the ATTACH is sent again on CONNECTED, RTL3e).</summary>
    public void CancelTimer() => _timer?.Cancel();

    /// <inheritdoc />
    void IConnectedTurn.OnTurn(bool connected)
    {
        _queued = false;
        if (!connected || _host.IsReleased || _status.State != ChannelState.Attaching)
        {
            // The queue was discarded (the channel re-asks on the next CONNECTED, RTL3d), or the attach was superseded.
            return;
        }

        // RTL4c1, RTL4k, RTL4l: channelSerial, params and modes; the RTL4f timer.
        var options = _host.Options;
        var message = new ProtocolMessage(ProtocolAction.Attach, _name)
        {
            ChannelSerial = _position.ChannelSerial,
            Params = options.Params is { Count: > 0 } p ? p : null,
            Flags = options.Modes == ChannelModes.None ? null : (ProtocolFlags)(int)options.Modes,
        };
        _loop.TrySendNow(message);
        (_timer ??= new ChannelTimer(_loop)).Start(_loop.Options.RealtimeRequestTimeout, OnTimeout);
    }

    private void OnTimeout()
    {
        if (_status.State != ChannelState.Attaching)
        {
            return;
        }

        // RTL4f: no ATTACHED in time.
        _timedOut(new ErrorInfo(ErrorCodes.ChannelOperationTimeout, 408, $"Channel attach timed out after {_loop.Options.RealtimeRequestTimeout.TotalMilliseconds} ms (RTL4f)."));
    }
}
