using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// The production WebSocket transport against an echo server on loopback (HttpListener): what the client hands to
/// <see cref="ITransport.Send"/> reaches the socket byte for byte and in order even though the caller reuses its buffer at
/// once (the transport copies into pooled buffers and returns them after the write), and what the server sends reaches
/// the listener whole, whatever its size, as one exact frame.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class WebSocketTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [TestCase(TransportFrameKind.Text)]
    [TestCase(TransportFrameKind.Binary)]
    public async Task Frames_sent_from_a_reused_buffer_come_back_intact_and_in_order(TransportFrameKind kind)
    {
        await using var server = EchoServer.Start();
        var listener = new RecordingListener();
        using var transport = new WebSocketTransport(server.Uri, kind, listener, NullLogger.Instance);
        transport.Connect();
        await listener.Opened.Task.WaitAsync(Wait);

        // Lengths around the pool's bucket sizes and past Websocket.Client's 4 KB receive chunk, one frame of each kind of
        // content; the caller's buffer is overwritten as soon as Send returns, as the connection's writer does.
        var lengths = new[] { 1, 15, 16, 17, 100, 255, 256, 257, 1023, 1024, 4095, 4096, 4097, 16_384, 70_000, 3 };
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
            transport.Send(reused.AsMemory(0, length), kind);
            Array.Fill(reused, (byte)'#');
        }

        var received = await listener.WaitForFramesAsync(expected.Count).WaitAsync(Wait);
        Assert.That(received.Select(f => f.Kind), Is.All.EqualTo(kind));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.That(received[i].Bytes, Is.EqualTo(expected[i]), $"frame {i} ({expected[i].Length} bytes)");
        }
    }

    [Test]
    public async Task RTN15a_the_servers_close_is_reported_once_after_the_frames_before_it()
    {
        await using var server = EchoServer.Start();
        var listener = new RecordingListener();
        using var transport = new WebSocketTransport(server.Uri, TransportFrameKind.Text, listener, NullLogger.Instance);
        transport.Connect();
        await listener.Opened.Task.WaitAsync(Wait);

        transport.Send("{\"action\":0}"u8.ToArray(), TransportFrameKind.Text);
        transport.Send("close"u8.ToArray(), TransportFrameKind.Text);
        var closed = await listener.Closed.Task.WaitAsync(Wait);

        Assert.That(listener.Frames.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { "{\"action\":0}" }));
        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.ConnectFailure, Is.False, "the socket had opened");
        transport.Send("{\"action\":0}"u8.ToArray(), TransportFrameKind.Text); // after the close: dropped, no throw
    }

    private sealed class RecordingListener : ITransportListener
    {
        private readonly object _gate = new();
        private readonly List<(byte[] Bytes, TransportFrameKind Kind)> _frames = new();
        private (int Count, TaskCompletionSource<List<(byte[] Bytes, TransportFrameKind Kind)>> Done)? _waiter;

        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<(ErrorInfo Reason, bool ConnectFailure)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(byte[] Bytes, TransportFrameKind Kind)> Frames
        {
            get
            {
                lock (_gate)
                {
                    return _frames.ToList();
                }
            }
        }

        public Task<List<(byte[] Bytes, TransportFrameKind Kind)>> WaitForFramesAsync(int count)
        {
            lock (_gate)
            {
                var done = new TaskCompletionSource<List<(byte[] Bytes, TransportFrameKind Kind)>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiter = (count, done);
                Check();
                return done.Task;
            }
        }

        public void OnOpened() => Opened.TrySetResult();

        public void OnFrame(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
        {
            lock (_gate)
            {
                _frames.Add((frame.ToArray(), kind));
                Check();
            }
        }

        public void OnClosed(ErrorInfo reason, bool connectFailure)
        {
            if (!Closed.TrySetResult((reason, connectFailure)))
            {
                throw new InvalidOperationException("OnClosed reported twice");
            }
        }

        private void Check()
        {
            if (_waiter is { } waiter && _frames.Count >= waiter.Count)
            {
                waiter.Done.TrySetResult(_frames.ToList());
            }
        }
    }

    /// <summary>Echoes every data frame with its type; on a text frame "close" it closes the socket normally.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        private EchoServer(HttpListener listener, Uri uri)
        {
            _listener = listener;
            Uri = uri;
            _serving = ServeAsync();
        }

        public Uri Uri { get; }

        public static EchoServer Start()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            return new EchoServer(listener, new Uri($"ws://127.0.0.1:{port}/"));
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                await _serving.WaitAsync(Wait);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Stopped while a socket was open: the echo loop ends with the listener.
            }

            _listener.Close();
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }

            using var ws = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
            var buffer = new byte[128 * 1024];
            while (ws.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await ws.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), _stop.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text && buffer.AsSpan(0, length).SequenceEqual("close"u8))
                {
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", _stop.Token);
                    return;
                }

                await ws.SendAsync(new ArraySegment<byte>(buffer, 0, length), result.MessageType, endOfMessage: true, _stop.Token);
            }
        }
    }
}
