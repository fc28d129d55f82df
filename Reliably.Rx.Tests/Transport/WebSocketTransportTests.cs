using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Tests.TestSupport;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// Both production WebSocket transports (<see cref="RealtimeTransportKind"/>: Websocket.Client and the plain
/// ClientWebSocket) against a WebSocket server on loopback: what the client hands to <see cref="ITransport.Send"/> reaches
/// the socket byte for byte and in order even though the caller reuses its buffer at once, frames sent before the socket
/// opened are written after it opens, what the server sends reaches the listener whole (fragmented, or over 64 KB) as one
/// frame, every way a connection ends is reported once with the right <c>connectFailure</c> (RTN15a, RTN17f), and
/// nothing is reported after <see cref="ITransport.Close"/>. Every test also checks the listener's contract: no call
/// overlaps another, no frame before OnOpened, nothing after OnClosed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class WebSocketTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly object[] Transports = [RealtimeTransportKind.WebsocketClient, RealtimeTransportKind.ClientWebSocket];

    private static readonly object[] TransportsAndKinds =
    [
        new object[] { RealtimeTransportKind.WebsocketClient, TransportFrameKind.Text },
        new object[] { RealtimeTransportKind.WebsocketClient, TransportFrameKind.Binary },
        new object[] { RealtimeTransportKind.ClientWebSocket, TransportFrameKind.Text },
        new object[] { RealtimeTransportKind.ClientWebSocket, TransportFrameKind.Binary },
    ];

    private static ITransport Create(RealtimeTransportKind transport, Uri uri, TransportFrameKind kind, ITransportListener listener) =>
        new WebSocketTransportFactory(NullLogger.Instance, certificateValidation: null, transport).Create(uri, kind, listener);

    /// <summary>A transport connected to <paramref name="uri"/>, once its listener has seen it open.</summary>
    private static async Task<ITransport> OpenAsync(RealtimeTransportKind transport, Uri uri, TransportFrameKind kind, RecordingTransportListener listener)
    {
        var sut = Create(transport, uri, kind, listener);
        try
        {
            sut.Connect();
            await listener.Opened.Task.WaitAsync(Wait);
            return sut;
        }
        catch
        {
            sut.Dispose();
            throw;
        }
    }

    [TestCaseSource(nameof(TransportsAndKinds))]
    public async Task Frames_sent_from_a_reused_buffer_come_back_intact_and_in_order(RealtimeTransportKind transport, TransportFrameKind kind)
    {
        await using var server = LoopbackWebSocketServer.Start();
        var listener = new RecordingTransportListener();
        using var sut = await OpenAsync(transport, server.Uri, kind, listener);

        // Lengths around the pool's bucket sizes and the receive buffers' sizes, and messages over 64 KB followed by small
        // ones; the caller's buffer is overwritten as soon as Send returns, as the connection's writer does.
        var lengths = new[] { 1, 15, 16, 17, 100, 255, 256, 257, 1023, 1024, 4095, 4096, 4097, 16_384, 70_000, 3, 140_000, 2 };
        var expected = new List<byte[]>();
        var reused = new byte[lengths.Max()];
        for (var i = 0; i < 200; i++)
        {
            var length = lengths[i % lengths.Length];
            var frame = new byte[length];
            for (var j = 0; j < length; j++)
            {
                frame[j] = (byte)('a' + ((i + j) % 26));
            }

            expected.Add(frame);
            frame.CopyTo(reused, 0);
            sut.Send(reused.AsMemory(0, length), kind);
            Array.Fill(reused, (byte)'#');
        }

        var received = await listener.WaitForFramesAsync(expected.Count).WaitAsync(Wait);
        Assert.That(received.Select(f => f.Kind), Is.All.EqualTo(kind));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.That(received[i].Bytes, Is.EqualTo(expected[i]), $"frame {i} ({expected[i].Length} bytes)");
        }

        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_fragmented_message_arrives_as_one_frame(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start();
        var listener = new RecordingTransportListener();
        using var sut = await OpenAsync(transport, server.Uri, TransportFrameKind.Text, listener);

        // Three fragments, the whole past the first receive buffer.
        var text = string.Concat(Enumerable.Range(0, 1500).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));
        sut.Send(System.Text.Encoding.UTF8.GetBytes("fragment:" + text), TransportFrameKind.Text);
        sut.Send("after"u8.ToArray(), TransportFrameKind.Text);

        var received = await listener.WaitForFramesAsync(2).WaitAsync(Wait);
        Assert.That(received.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { text, "after" }));
        Assert.That(received.Select(f => f.Kind), Is.All.EqualTo(TransportFrameKind.Text));
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Each_frames_kind_comes_from_its_message_type_and_order_is_kept_in_a_burst(RealtimeTransportKind transport)
    {
        // The default transport too: its frames come from the socket's own receive (DirectReceiveWebSocket), not from
        // Websocket.Client's messages, which do not keep a frame's type.
        await using var server = LoopbackWebSocketServer.Start();
        var listener = new RecordingTransportListener();
        using var sut = await OpenAsync(transport, server.Uri, TransportFrameKind.Text, listener);

        // A burst of binary messages on a text connection, then a text one after the burst.
        sut.Send("burst:300"u8.ToArray(), TransportFrameKind.Text);
        await listener.WaitForFramesAsync(300).WaitAsync(Wait);
        sut.Send("text"u8.ToArray(), TransportFrameKind.Text);
        var received = await listener.WaitForFramesAsync(301).WaitAsync(Wait);

        Assert.That(received.Take(300).Select(f => BitConverter.ToInt32(f.Bytes)), Is.EqualTo(Enumerable.Range(0, 300)));
        Assert.That(received.Take(300).Select(f => f.Kind), Is.All.EqualTo(TransportFrameKind.Binary));
        Assert.That(received[300].Kind, Is.EqualTo(TransportFrameKind.Text));
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_the_servers_close_is_reported_once_after_the_frames_before_it(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start();
        var listener = new RecordingTransportListener();
        using var sut = await OpenAsync(transport, server.Uri, TransportFrameKind.Text, listener);

        sut.Send("{\"action\":0}"u8.ToArray(), TransportFrameKind.Text);
        sut.Send("close"u8.ToArray(), TransportFrameKind.Text);
        var closed = await listener.Closed.Task.WaitAsync(Wait);

        Assert.That(listener.Frames.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { "{\"action\":0}" }));
        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.ConnectFailure, Is.False, "the socket had opened");
        sut.Send("{\"action\":0}"u8.ToArray(), TransportFrameKind.Text); // after the close: dropped, no throw
        await server.Ended.WaitAsync(Wait);
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN15a_an_abrupt_drop_is_reported_once_as_a_loss(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start();
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, TransportFrameKind.Binary, listener);
        sut.Connect();
        await listener.Opened.Task.WaitAsync(Wait);

        sut.Send("abort"u8.ToArray(), TransportFrameKind.Text);
        var closed = await listener.Closed.Task.WaitAsync(Wait);

        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.ConnectFailure, Is.False, "the socket had opened");
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_closed_port_is_a_connect_failure(RealtimeTransportKind transport)
    {
        var listener = new RecordingTransportListener();
        using var closedPort = LoopbackPorts.ReserveClosed();
        using var sut = Create(transport, new Uri($"ws://127.0.0.1:{closedPort.Port}/"), TransportFrameKind.Binary, listener);
        sut.Connect();
        var closed = await listener.Closed.Task.WaitAsync(Wait);

        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.ConnectFailure, Is.True);
        Assert.That(listener.Opened.Task.IsCompleted, Is.False);
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_refused_upgrade_is_a_connect_failure(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start(refuse: true);
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, TransportFrameKind.Binary, listener);
        sut.Connect();
        var closed = await listener.Closed.Task.WaitAsync(Wait);

        Assert.That(closed.ConnectFailure, Is.True);
        Assert.That(listener.Opened.Task.IsCompleted, Is.False);
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Frames_sent_before_the_socket_opened_are_written_after_it_opens_in_order(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start(holdHandshake: true);
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, TransportFrameKind.Text, listener);
        sut.Connect();
        await server.Requested.WaitAsync(Wait);
        var sent = Enumerable.Range(0, 50).Select(i => "frame " + i).ToList();
        foreach (var frame in sent)
        {
            sut.Send(System.Text.Encoding.UTF8.GetBytes(frame), TransportFrameKind.Text);
        }

        Assert.That(listener.Opened.Task.IsCompleted, Is.False, "the server holds the handshake");
        server.ReleaseHandshake();
        var received = await listener.WaitForFramesAsync(sent.Count).WaitAsync(Wait);

        Assert.That(received.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(sent));
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Close_sends_a_close_frame_and_nothing_is_reported_after_it(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start();
        var listener = new RecordingTransportListener();
        var sut = await OpenAsync(transport, server.Uri, TransportFrameKind.Text, listener);
        sut.Send("one"u8.ToArray(), TransportFrameKind.Text);
        await listener.WaitForFramesAsync(1).WaitAsync(Wait);

        // The server answers the close with a frame, then its own close: neither may reach the listener.
        listener.ClientClosed();
        sut.Close();
        sut.Close();
        sut.Dispose();
        sut.Send("dropped"u8.ToArray(), TransportFrameKind.Text);
        await server.Ended.WaitAsync(Wait);

        Assert.That(server.ClientCloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure), "closed gracefully");
        Assert.That(listener.Frames, Has.Count.EqualTo(1));
        Assert.That(listener.Closed.Task.IsCompleted, Is.False);
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Close_during_the_handshake_reports_nothing(RealtimeTransportKind transport)
    {
        await using var server = LoopbackWebSocketServer.Start(holdHandshake: true);
        var listener = new RecordingTransportListener();
        var sut = Create(transport, server.Uri, TransportFrameKind.Text, listener);
        sut.Connect();
        await server.Requested.WaitAsync(Wait);

        listener.ClientClosed();
        sut.Close();
        sut.Dispose();
        server.ReleaseHandshake();
        await server.Ended.WaitAsync(Wait);

        Assert.That(listener.Opened.Task.IsCompleted, Is.False);
        Assert.That(listener.Closed.Task.IsCompleted, Is.False);
        Assert.That(listener.Violations, Is.Empty);
    }
}
