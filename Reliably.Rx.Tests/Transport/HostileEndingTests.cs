using System.Text;
using Reliably.Rx.Transport;
using static Reliably.Rx.Tests.Transport.ServerFrames;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// Every way a hostile server ends a connection that had opened, against both transports: its close frame with and
/// without a body, the end of its stream mid-frame, a TCP reset at rest and mid-frame. Each is reported once as a loss
/// (RTN15a) with a reason; the frames before it arrive, a frame cut short never does; the client lets go of its socket.
/// </summary>
[TestFixture]
public sealed class HostileEndingTests : HostileServerTestBase
{
    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_the_servers_close_frame_with_a_body_ends_the_connection_once_and_frames_after_it_are_dropped(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync([.. TextFrame("before"), .. CloseFrame(1001, "going away"), .. TextFrame("after")]);

        var (reason, clientFrames) = await AssertLostOnceAsync(sut, listener, connection, reasonContains: "going away");
        Assert.That(listener.Frames.Select(f => Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { "before" }));
        Assert.That(clientFrames.Count(f => f.Opcode == Close), Is.EqualTo(1), "the client answers the close once: " + reason.Message + " " + string.Join(",", clientFrames.Select(f => f.Opcode + ":" + f.CloseCode)));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_the_servers_close_frame_without_a_body_ends_the_connection_once(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync([.. TextFrame("before"), .. CloseFrame(null)]);

        var (_, clientFrames) = await AssertLostOnceAsync(sut, listener, connection);
        Assert.That(listener.Frames, Has.Count.EqualTo(1));
        Assert.That(clientFrames.Count(f => f.Opcode == Close), Is.EqualTo(1), "the client answers the close once: " + string.Join(",", clientFrames.Select(f => f.Opcode + ":" + f.CloseCode)));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_the_servers_stream_ending_mid_frame_is_a_loss_and_the_partial_frame_is_never_delivered(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // A whole frame, then the header and half the payload of a 100-byte frame, then FIN.
        await connection.WriteAsync([.. TextFrame("whole"), .. Header(ServerFrames.Binary, 100), .. new byte[50]]);
        await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        connection.ShutdownSend();

        await AssertLostOnceAsync(sut, listener, connection);
        Assert.That(listener.Frames, Has.Count.EqualTo(1));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_a_TCP_reset_at_rest_is_a_loss(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync(TextFrame("first"));
        await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        connection.Reset();

        await AssertLossReportedAsync(listener);
        sut.Close();
        listener.ClientClosed();
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_a_TCP_reset_mid_frame_is_a_loss_and_the_partial_frame_is_never_delivered(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync([.. TextFrame("whole"), .. Header(ServerFrames.Binary, 10_000), .. new byte[5000]]);
        await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        connection.Reset();

        await AssertLossReportedAsync(listener);
        sut.Close();
        listener.ClientClosed();
        Assert.That(listener.Frames, Has.Count.EqualTo(1));
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task The_clients_close_releases_the_socket_when_the_server_never_answers_it(RealtimeTransportKind transport)
    {
        // The server reads but never sends a close frame back: the client sends its own and lets go without waiting
        // for an answer that will not come.
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        var clientFrames = await EndAsync(sut, listener, connection);
        Assert.That(clientFrames.Select(f => f.CloseCode), Is.EqualTo(new int?[] { 1000 }));
    }
}
