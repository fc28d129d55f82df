using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>Attach (RTL4); the state machine is <see cref="ChannelAttachment"/>.</summary>
public sealed partial class RealtimeChannel
{
    private readonly ChannelAttachment _attachment;

    /// <summary>
    /// Attaches the channel (RTL4) and completes on ATTACHED. Completes at once when attached; joins a pending attach
    /// (RTL4h); after a pending detach, waits for it and then attaches (RTL4h). While the connection is connecting or
    /// disconnected the ATTACH is sent once it connects (RTL4i). Requested params and modes are sent (RTL4k, RTL4l).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the attach itself goes on.</param>
    /// <exception cref="AblyException">
    /// 90007 when no ATTACHED arrives within realtimeRequestTimeout (the channel goes SUSPENDED and retries, RTL4f);
    /// the server's error (for example 40160) when the channel fails (RTL14); 80017/80002/80000 when the connection is
    /// closed, suspended or failed (RTL4b); 90001 after release.
    /// </exception>
    public Task AttachAsync(CancellationToken cancellationToken = default)
    {
        if (Unusable() is { } refusal)
        {
            return Task.FromException(refusal);
        }

        var waiter = NewWaiter();
        if (!_loop.Execute(() => _attachment.BeginAttach(waiter)))
        {
            waiter.TrySetException(new AblyException(DisposedError()));
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts an attach in the background (implicit attach, RTL7g); its outcome is visible as state changes.</summary>
    private void AttachInBackground() => _loop.Execute(() => _attachment.BeginAttach(null));
}
