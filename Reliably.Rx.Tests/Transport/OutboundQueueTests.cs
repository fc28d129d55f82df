using Microsoft.Reactive.Testing;
using System.Net.WebSockets;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// <see cref="OutboundQueue"/> and a transport's close: a close that lands while a drain is writing does not race the write
/// for the socket's send side, and is not skipped either; it runs once the drain has ended, after the write. A close with
/// no drain running closes at once. Frames after the close are dropped (RTN19a: the client resends what needs an answer).
/// The socket is a fake whose writes complete when the test says, so every interleaving here is fixed, not timed.
/// </summary>
[TestFixture]
public sealed class OutboundQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_close_during_a_write_runs_after_the_write_ends_not_instead_of_it()
    {
        var (socket, sut) = await WritingAsync();

        var closed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closeNow = sut.Close(() => closed.TrySetResult(socket.WritesCompleted));
        sut.Enqueue("dropped"u8.ToArray(), TransportFrameKind.Text);

        Assert.That(closeNow, Is.False, "a drain is writing");
        Assert.That(closed.Task.IsCompleted, Is.False, "the close waits for the write in flight");
        socket.CompleteWrite();
        Assert.That(await closed.Task.WaitAsync(Wait), Is.EqualTo(1), "the close ran after the write completed");
        Assert.That(socket.Written, Is.EqualTo(new[] { "one" }), "a frame queued after the close is dropped");
    }

    [Test]
    public async Task A_close_during_a_write_that_fails_still_runs()
    {
        var (socket, sut) = await WritingAsync();

        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.That(sut.Close(() => closed.TrySetResult()), Is.False);
        socket.FailWrite(new WebSocketException(WebSocketError.ConnectionClosedPrematurely));
        await closed.Task.WaitAsync(Wait);
    }

    [Test]
    public void A_close_with_no_drain_running_closes_at_once_and_leaves_nothing_to_run_later()
    {
        var sut = new OutboundQueue();
        sut.Enqueue("queued before the socket opened"u8.ToArray(), TransportFrameKind.Text);
        var ran = 0;

        Assert.That(sut.Close(() => ran++), Is.True);
        var socket = new GatedWebSocket();
        sut.Open(socket, batching: null);

        Assert.That(ran, Is.EqualTo(0));
        Assert.That(socket.WriteStarted.Task.IsCompleted, Is.False, "what was queued before the close is never written");
    }

    [Test]
    public async Task A_queue_that_reaches_its_limit_behind_a_stuck_write_aborts_the_socket_once_and_says_why()
    {
        var (socket, sut) = await WritingAsync();
        var frame = new byte[1024 * 1024];
        for (var i = 0; i < OutboundQueue.MaxQueuedBytes / frame.Length; i++)
        {
            sut.Enqueue(frame, TransportFrameKind.Binary);
        }

        Assert.That(socket.Aborts, Is.EqualTo(0), "at the limit, not past it");
        Assert.That(sut.StallReason, Is.Null);

        sut.Enqueue("one byte too many"u8.ToArray(), TransportFrameKind.Text);
        sut.Enqueue("dropped"u8.ToArray(), TransportFrameKind.Text);

        await socket.Aborted.Task.WaitAsync(Wait);
        Assert.That(socket.Aborts, Is.EqualTo(1));
        Assert.That(sut.StallReason, Does.Contain("stopped reading"));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (sut.Close(() => closed.TrySetResult()))
        {
            closed.TrySetResult();
        }

        await closed.Task.WaitAsync(Wait);
        Assert.That(socket.Written, Is.EqualTo(new[] { "one" }), "nothing after the stuck write");
    }

    [Test]
    public void A_queue_that_went_past_its_limit_before_the_socket_opened_aborts_it_when_it_opens()
    {
        var sut = new OutboundQueue();
        var frame = new byte[1024 * 1024];
        for (var i = 0; i <= OutboundQueue.MaxQueuedBytes / frame.Length; i++)
        {
            sut.Enqueue(frame, TransportFrameKind.Binary);
        }

        var socket = new GatedWebSocket();
        sut.Open(socket, batching: null);

        Assert.That(socket.Aborts, Is.EqualTo(1));
        Assert.That(socket.WriteStarted.Task.IsCompleted, Is.False);
        Assert.That(sut.StallReason, Is.Not.Null);
    }

    [Test]
    public async Task A_close_behind_a_write_the_peer_never_takes_aborts_the_socket_at_the_deadline_then_runs()
    {
        var clock = new TestScheduler();
        var (socket, sut) = await WritingAsync(new CloseDeadline(clock, TimeSpan.FromSeconds(10)));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.That(sut.Close(() => closed.TrySetResult()), Is.False, "a drain is writing");
        clock.AdvanceBy(TimeSpan.FromSeconds(10).Ticks - 1);
        Assert.That(socket.Aborts, Is.EqualTo(0), "not before the deadline");
        Assert.That(closed.Task.IsCompleted, Is.False);

        clock.AdvanceBy(1);
        Assert.That(socket.Aborts, Is.EqualTo(1), "at the deadline the stuck write's socket is aborted");
        await closed.Task.WaitAsync(Wait);
    }

    [Test]
    public async Task A_close_deadline_leaves_a_socket_that_closed_in_time_alone()
    {
        var clock = new TestScheduler();
        var (socket, sut) = await WritingAsync(new CloseDeadline(clock, TimeSpan.FromSeconds(10)));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.That(sut.Close(() =>
        {
            socket.MarkClosed();
            closed.TrySetResult();
        }), Is.False);
        socket.CompleteWrite();
        await closed.Task.WaitAsync(Wait);
        clock.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);

        Assert.That(socket.Aborts, Is.EqualTo(0));
    }

    [Test]
    public void A_frame_queued_while_the_drain_that_wrote_the_previous_one_ends_is_written_without_waiting_for_another()
    {
        // Request and answer, as a publish awaiting its ACK: each frame is queued the moment the previous one is written,
        // that is while the drain that wrote it is ending. A frame that found the drain still marked running after its
        // last look at the queue would start no drain and wait for the next frame, which never comes.
        var socket = new CountingWebSocket();
        var sut = new OutboundQueue();
        sut.Open(socket, batching: null);
        for (var i = 1; i <= 100_000; i++)
        {
            sut.Enqueue("ping"u8.ToArray(), TransportFrameKind.Text);
            Assert.That(SpinWait.SpinUntil(() => socket.Writes >= i, Wait), Is.True, $"frame {i} was queued but never written");
        }
    }

    /// <summary>A queue on an open socket whose drain is inside the write of its first frame, "one".</summary>
    private static async Task<(GatedWebSocket Socket, OutboundQueue Queue)> WritingAsync(CloseDeadline closeDeadline = default)
    {
        var socket = new GatedWebSocket();
        var queue = new OutboundQueue(closeDeadline);
        queue.Open(socket, batching: null);
        queue.Enqueue("one"u8.ToArray(), TransportFrameKind.Text);
        await socket.WriteStarted.Task.WaitAsync(Wait);
        return (socket, queue);
    }

    /// <summary>What both fakes share: a WebSocket that only writes; closing it does nothing and reading is not supported.</summary>
    private abstract class WriteOnlyWebSocket : WebSocket
    {
        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override string? SubProtocol => null;

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
            SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override void Dispose()
        {
        }
    }

    /// <summary>A WebSocket whose writes complete at once and are counted.</summary>
    private sealed class CountingWebSocket : WriteOnlyWebSocket
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public override WebSocketState State => WebSocketState.Open;

        public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return default;
        }

        public override void Abort()
        {
        }
    }

    /// <summary>A WebSocket whose writes start when the drain sends and complete when the test says.</summary>
    private sealed class GatedWebSocket : WriteOnlyWebSocket
    {
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Written { get; } = [];

        public int WritesCompleted { get; private set; }

        private volatile bool _closed;

        public override WebSocketState State => _closed ? WebSocketState.Closed : WebSocketState.Open;

        public void MarkClosed() => _closed = true;

        public void CompleteWrite() => _gate.TrySetResult();

        public void FailWrite(Exception error) => _gate.TrySetException(error);

        public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            lock (Written)
            {
                Written.Add(System.Text.Encoding.UTF8.GetString(buffer.Span));
            }

            WriteStarted.TrySetResult();
            await _gate.Task.ConfigureAwait(false);
            WritesCompleted++;
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public int Aborts { get; private set; }

        public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>As the runtime's: the write in flight fails.</summary>
        public override void Abort()
        {
            Aborts++;
            Aborted.TrySetResult();
            _gate.TrySetException(new ObjectDisposedException(nameof(GatedWebSocket)));
        }
    }
}
