using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// A server that stops reading while the client publishes, against both transports: the kernel's buffers fill, then
/// the outbound queue, which does not grow past <see cref="OutboundQueue.MaxQueuedBytes"/>; past it the connection is
/// aborted and reported once as a loss naming the stall (RTN15a; the client resumes and resends, RTN19a), and the
/// socket is released although a write was stuck in it.
/// </summary>
[TestFixture]
public sealed class HostileBackpressureTests : HostileServerTestBase
{
    [TestCaseSource(nameof(Transports))]
    public async Task A_server_that_stops_reading_during_a_burst_ends_the_connection_once_the_queue_is_full_not_never(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // The server never reads. Twice the queue's limit at most: the kernel's buffers take a few MB, the queue the rest.
        var frame = new byte[64 * 1024];
        var most = (int)(2 * OutboundQueue.MaxQueuedBytes / frame.Length);
        for (var i = 0; i < most && !listener.Closed.Task.IsCompleted; i++)
        {
            sut.Send(frame, TransportFrameKind.Binary);
        }

        await AssertLossReportedAsync(listener, reasonContains: "stopped reading");

        // The server reads again: what the kernel held, then the end of the client's side (its socket released).
        await EndAsync(sut, listener, connection);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_burst_then_Close_writes_every_frame_in_order_then_the_close_frame(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        for (var i = 0; i < 500; i++)
        {
            sut.Send(BitConverter.GetBytes(i), TransportFrameKind.Binary);
        }

        var frames = await EndAsync(sut, listener, connection);

        // Frames queued when Close came are dropped (RTN19a); those written are whole and in order, and the close is last.
        var data = frames.Where(f => f.Opcode == ServerFrames.Binary).Select(f => BitConverter.ToInt32(f.Payload)).ToList();
        Assert.That(data, Is.EqualTo(Enumerable.Range(0, data.Count)));
        Assert.That(frames[^1].CloseCode, Is.EqualTo(1000));
        Assert.That(frames.Count(f => f.Opcode == ServerFrames.Close), Is.EqualTo(1));
    }
}
