namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// Wraps the upgraded connection stream so the "go silent" fault can swallow every outbound byte, including the
/// WebSocket keep-alive pings the framework sends on its own. Reads pass through untouched. Writes pass one at a time:
/// the transport's writer writes its batches of data frames here directly while the framework's WebSocket writes its
/// control frames (pong, keep-alive ping, close) here too, and each write is whole frames, so neither can split the
/// other's frames.
/// </summary>
internal sealed class SilenceableStream : Stream
{
    private readonly Stream _inner;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SilenceableStream(Stream inner) => _inner = inner;

    public volatile bool Silenced;

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
        if (!Silenced)
        {
            _inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        Silenced ? Task.CompletedTask : _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Silenced)
        {
            return;
        }

        _writeGate.Wait();
        try
        {
            _inner.Write(buffer, offset, count);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Silenced ? ValueTask.CompletedTask : GatedWriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async ValueTask GatedWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();
}
