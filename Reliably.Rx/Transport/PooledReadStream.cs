using System.Buffers;
using System.Runtime.CompilerServices;

namespace Reliably.Rx.Transport;

/// <summary>
/// The connection's stream under the WebSocket after the transport's own upgrade, with a read buffer that exists only
/// while data flows. The WebSocket reads each frame's header and each small payload separately; served from a 4 KB
/// buffer, a burst of small frames costs one socket read per buffer instead of two per frame (the role the runtime's
/// HTTP connection buffer plays under <c>ClientWebSocket</c>, which keeps its buffers for the connection's life). The
/// buffer is rented from the shared pool when a read finds it empty and given back when a zero-byte read (the idle
/// transport's wait) finds it drained, so an idle connection holds none. The bytes read after the response head (the
/// server's first frame can share a packet with the 101) start in it. Writes go to the inner stream, which this stream
/// owns; during a batch (<see cref="IWriteBatching"/>, begun and ended by the outbound queue around a burst of frames)
/// they are gathered in a buffer rented for the batch and written in one write when it ends.
/// </summary>
internal sealed class PooledReadStream : Stream, IWriteBatching
{
    private const int BufferSize = 4096;

    // A batch gathers at most this much; a write that would go past it first writes what was gathered, then itself.
    private const int GatherLimit = 16 * 1024;

    private readonly Stream _inner;

    // Orders the writes that reach the inner stream: the WebSocket's own (one at a time: it holds its send lock) and the
    // end of a batch, which the outbound queue runs outside the WebSocket's lock while a control frame may be written.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _writeGate = new();
    private byte[]? _buffer;
    private int _offset;
    private int _count;

    // Under _writeGate: whether a batch is open, and what it gathered (the buffer is rented for the batch).
    private bool _batching;
    private byte[]? _gathered;
    private int _gatheredLength;

    public PooledReadStream(Stream inner, ReadOnlySpan<byte> initial)
    {
        _inner = inner;
        if (!initial.IsEmpty)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BufferSize, initial.Length));
            initial.CopyTo(_buffer);
            _count = initial.Length;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_count > 0)
        {
            // Also answers a zero-byte read at once: data is ready.
            return new ValueTask<int>(CopyOut(buffer.Span));
        }

        if (buffer.IsEmpty)
        {
            // Idle: wait for data without holding a buffer.
            Release();
            return _inner.ReadAsync(buffer, cancellationToken);
        }

        return buffer.Length >= BufferSize ? _inner.ReadAsync(buffer, cancellationToken) : FillAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => _count > 0 ? CopyOut(buffer) : _inner.Read(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            if (_batching && _gatheredLength + buffer.Length <= GatherLimit)
            {
                _gathered ??= ArrayPool<byte>.Shared.Rent(GatherLimit);
                buffer.Span.CopyTo(_gathered.AsSpan(_gatheredLength));
                _gatheredLength += buffer.Length;
                return default;
            }
        }

        return WriteThroughAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _writeLock.Wait();
        try
        {
            if (TakeGathered(endBatch: false) is { } gathered)
            {
                try
                {
                    _inner.Write(gathered.Buffer, 0, gathered.Length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(gathered.Buffer);
                }
            }

            _inner.Write(buffer, offset, count);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public void BeginBatch()
    {
        lock (_writeGate)
        {
            _batching = true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask EndBatchAsync()
    {
        // The batch is closed only once the write lock is held, so a control frame written meanwhile is either gathered
        // into this batch or written after it: frames never overtake each other.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteGatheredAsync(TakeGathered(endBatch: true)).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The buffer is not given back here: a read may still be filling it. An idle connection holds none.
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>A write that is not gathered: what the batch gathered goes first (a write larger than the batch's room).</summary>
    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteGatheredAsync(TakeGathered(endBatch: false)).ConfigureAwait(false);
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private (byte[] Buffer, int Length)? TakeGathered(bool endBatch)
    {
        lock (_writeGate)
        {
            _batching &= !endBatch;
            var gathered = _gathered;
            var length = _gatheredLength;
            _gathered = null;
            _gatheredLength = 0;
            return gathered is null ? null : (gathered, length);
        }
    }

    private async ValueTask WriteGatheredAsync((byte[] Buffer, int Length)? gathered)
    {
        if (gathered is not { } taken)
        {
            return;
        }

        try
        {
            await _inner.WriteAsync(taken.Buffer.AsMemory(0, taken.Length), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(taken.Buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FillAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
        _offset = 0;
        _count = await _inner.ReadAsync(_buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
        return _count == 0 ? 0 : CopyOut(destination.Span);
    }

    private int CopyOut(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _count);
        _buffer.AsSpan(_offset, count).CopyTo(destination);
        _offset += count;
        _count -= count;
        return count;
    }

    private void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
