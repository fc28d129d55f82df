using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Reliably.Rx.Transport;

/// <summary>
/// The bound on a transport's graceful close. The close frame follows the last write (see <see cref="OutboundQueue.Close"/>),
/// and a peer that stops reading while the connection is alive (a full TCP window, which the kernel never fails) holds
/// that write, and the close frame after it, for good: the socket, its buffers and the receive loop would stay. So a
/// close arms this deadline when it starts; when it passes, the socket is aborted, which fails the stuck write and ends
/// the receive loop. A socket closed by then is left alone. The clock is the client's scheduler (virtual time in tests);
/// nothing is scheduled while a connection is open.
/// </summary>
internal readonly struct CloseDeadline
{
    /// <summary>The deadline of a transport made without a client: the system clock and 10 s (Ably's default realtimeRequestTimeout).</summary>
    public static readonly CloseDeadline Default = new(DefaultScheduler.Instance, TimeSpan.FromSeconds(10));

    private readonly IScheduler? _scheduler;
    private readonly TimeSpan _timeout;

    public CloseDeadline(IScheduler scheduler, TimeSpan timeout)
    {
        _scheduler = scheduler;
        _timeout = timeout;
    }

    /// <summary>Aborts <paramref name="socket"/> once the deadline has passed, unless it was released before.</summary>
    public void Arm(WebSocket socket)
    {
        var (scheduler, timeout) = _scheduler is null ? (Default._scheduler!, Default._timeout) : (_scheduler, _timeout);
        scheduler.Schedule(socket, timeout, static (_, target) =>
        {
            if (target.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            {
                target.Abort();
            }

            return Disposable.Empty;
        });
    }
}
