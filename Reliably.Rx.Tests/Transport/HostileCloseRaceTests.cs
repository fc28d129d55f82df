using Reliably.Rx.Transport;
using static Reliably.Rx.Tests.Transport.ServerFrames;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// The client's <see cref="ITransport.Close"/> racing what the server does, against both transports: the upgrade still
/// in progress (answered after the close, or never), the server's close frame, a TCP reset. Whatever wins, the listener
/// sees at most one end report and nothing overlapping or after it, Close never throws, the client's socket is released,
/// and no task exception is left unobserved. (Reports that race Close itself are allowed by the contract: the client
/// ignores them, so these tests do not count them as violations.)
/// </summary>
[TestFixture]
public sealed class HostileCloseRaceTests : HostileServerTestBase
{
    private static readonly object[] UpgradeRaces = [.. Transports.SelectMany(t => new[] { new[] { t, true }, new[] { t, false } })];

    [TestCaseSource(nameof(UpgradeRaces))]
    public async Task Close_during_the_upgrade_reports_nothing_and_releases_the_socket(RealtimeTransportKind transport, bool answeredAfterClose)
    {
        await using var server = HostileServer.Start(holdAnswer: true);
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, listener);
        sut.Connect();
        await server.Requested.WaitAsync(Wait);

        sut.Close();
        listener.ClientClosed();
        var connection = await server.PendingConnectionAsync();
        if (answeredAfterClose)
        {
            // The 101 and a frame arrive after the close (or find the connection gone): neither is reported.
            server.Answer();
            try
            {
                await server.ConnectionAsync();
                await connection.WriteAsync(TextFrame("too late"));
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The client had already let go.
            }
        }

        // Answered or not (then the connect is cancelled), the client lets go of the socket.
        await connection.ReadUntilEndAsync();
        Assert.That(listener.Violations, Is.Empty);
        Assert.That(listener.Frames, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Close_racing_the_servers_close_frame_ends_once_and_releases_the_socket(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync(CloseFrame(1000, "bye"));
        sut.Close();

        var frames = await connection.ReadUntilEndAsync();
        Assert.That(frames.Count(f => f.Opcode == Close), Is.LessThanOrEqualTo(1));
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Close_racing_a_TCP_reset_does_not_throw_and_reports_at_most_once(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        sut.Send("in flight"u8.ToArray(), TransportFrameKind.Text);
        connection.Reset();
        Assert.That(sut.Close, Throws.Nothing);
        sut.Dispose();

        Assert.That(listener.Violations, Is.Empty);
    }
}
