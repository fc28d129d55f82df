using Reliably.Rx.Realtime;

namespace Reliably.Rx.Channels;

/// <summary>
/// RTL13b: a SUSPENDED channel re-attaches after channelRetryTimeout × the RTB1 backoff min((n+2)/3, 2) × jitter in
/// [0.8, 1], n counting the retries since the last ATTACHED, and only while the connection is CONNECTED. Loop only.
/// </summary>
internal sealed class AttachRetry
{
    private readonly ConnectionLoop _loop;
    private readonly ChannelStateTracker _status;
    private readonly Action _attach;

    // Created when first started: most channels never time out an attach or detach, or retry one (docs/benchmarks.md).
    private ChannelTimer? _timer;

    // Loop-only.
    private int _count;

    /// <param name="loop">The client's loop: its options, its random source and its connection state.</param>
    /// <param name="status">The channel's state: a retry fires only while SUSPENDED.</param>
    /// <param name="attach">Starts the re-attach.</param>
    public AttachRetry(ConnectionLoop loop, ChannelStateTracker status, Action attach)
    {
        _loop = loop;
        _status = status;
        _attach = attach;
    }

    /// <summary>Schedules the next retry.</summary>
    public void Schedule()
    {
        _count++;
        (_timer ??= new ChannelTimer(_loop)).Start(RetryBackoff.Delay(_loop.Options.ChannelRetryTimeout, _count, _loop.Random), Fire);
    }

    /// <summary>An ATTACHED: the next suspension starts the backoff again.</summary>
    public void Reset() => _count = 0;

    /// <summary>Cancels a scheduled retry.</summary>
    public void Cancel() => _timer?.Cancel();

    private void Fire()
    {
        if (_status.State == ChannelState.Suspended && _loop.State == ConnectionState.Connected)
        {
            _attach();
        }
    }
}
