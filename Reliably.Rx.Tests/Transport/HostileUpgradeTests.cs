using System.Text;
using Reliably.Rx.Transport;
using static Reliably.Rx.Tests.Transport.ServerFrames;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// The own upgrade (<see cref="WebSocketUpgrade"/>) of both transports against a server that answers it wrongly or
/// awkwardly (the wrong accept key and the over-long head are in <see cref="OwnUpgradeTests"/>): a 101 without
/// <c>Upgrade</c>, an HTTP error with a body, a head one byte per segment, frames in the head's segment with one cut in
/// two, and a connection that ends right after the 101. A bad answer is one connect failure (RTN17f) naming what was
/// wrong; the bytes after a good head are never lost.
/// </summary>
[TestFixture]
public sealed class HostileUpgradeTests : HostileServerTestBase
{
    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_101_without_the_Upgrade_header_is_a_connect_failure(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start(key => Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {WebSocketUpgrade.AcceptFor(key)}\r\n\r\n"));
        var reason = await ConnectFailureAsync(transport, server);
        Assert.That(reason.Message, Does.Contain("Upgrade"));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_an_HTTP_503_with_a_body_is_a_connect_failure_naming_the_status(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start(_ => Encoding.ASCII.GetBytes(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n{\"error\":{\"code\":50003,\"message\":\"\"}}"));
        var reason = await ConnectFailureAsync(transport, server);
        Assert.That(reason.Message, Does.Contain("503"));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_101_head_arriving_one_byte_per_segment_opens_the_connection(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start(_ => [], holdAnswer: false);
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, listener);
        sut.Connect();
        var connection = await server.ConnectionAsync();
        await connection.WriteBytewiseAsync([.. HostileServer.ValidHead(server.LastKey!), .. TextFrame("first")]);

        var frames = await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Is.EqualTo("first"u8.ToArray()));
        await EndAsync(sut, listener, connection);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Frames_in_the_101s_segment_and_a_frame_cut_across_it_are_delivered_whole_and_in_order(RealtimeTransportKind transport)
    {
        // The head, two whole frames and the first half of a third in one write; the rest of the third later.
        var third = Frame(ServerFrames.Binary, Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray());
        await using var server = HostileServer.Start(key => [.. HostileServer.ValidHead(key), .. TextFrame("one"), .. TextFrame("two"), .. third.AsSpan(0, 1500)]);
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await listener.WaitForFramesAsync(2).WaitAsync(Wait);
        await connection.WriteAsync(third.AsMemory(1500));

        var frames = await listener.WaitForFramesAsync(3).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Is.EqualTo("one"u8.ToArray()));
        Assert.That(frames[1].Bytes, Is.EqualTo("two"u8.ToArray()));
        Assert.That(frames[2].Bytes, Is.EqualTo(Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray()));
        await EndAsync(sut, listener, connection);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_a_connection_that_ends_right_after_the_101_is_reported_once(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, listener);
        sut.Connect();
        var connection = await server.ConnectionAsync();
        connection.ShutdownSend();

        // Opened then lost, or (when the end of stream is seen first) a failure to connect: either way one report.
        var closed = await listener.Closed.Task.WaitAsync(Wait);
        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.ConnectFailure, Is.EqualTo(!listener.Opened.Task.IsCompleted));
        await EndAsync(sut, listener, connection);
    }

    private static async Task<ErrorInfo> ConnectFailureAsync(RealtimeTransportKind transport, HostileServer server)
    {
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, listener);
        sut.Connect();
        var closed = await listener.Closed.Task.WaitAsync(Wait);
        Assert.That(closed.ConnectFailure, Is.True);
        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(listener.Opened.Task.IsCompleted, Is.False);
        await EndAsync(sut, listener, await server.ConnectionAsync());
        return closed.Reason;
    }
}
