using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// <see cref="PooledReadStream"/>, the read buffer under the plain transport's own-upgrade WebSocket: the bytes read after
/// the response head come first, small reads are served from one read of the inner stream, a zero-byte read answers at
/// once while data is buffered and goes to the inner stream (the idle wait) only once the buffer is drained.
/// </summary>
[TestFixture]
public sealed class PooledReadStreamTests
{
    [Test]
    public async Task The_bytes_after_the_head_come_first_then_the_inner_streams()
    {
        var inner = new CountingStream([4, 5, 6]);
        await using var sut = new PooledReadStream(inner, [1, 2, 3]);

        var read = new byte[8];
        Assert.That(await sut.ReadAsync(Memory<byte>.Empty), Is.EqualTo(0), "data is ready");
        Assert.That(inner.Reads, Is.EqualTo(0), "a zero-byte read with data buffered does not reach the socket");
        Assert.That(await sut.ReadAsync(read.AsMemory(0, 2)), Is.EqualTo(2));
        Assert.That(await sut.ReadAsync(read.AsMemory(2, 6)), Is.EqualTo(1));
        Assert.That(await sut.ReadAsync(read.AsMemory(3, 5)), Is.EqualTo(3));
        Assert.That(read[..6], Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public async Task A_burst_of_small_reads_costs_one_read_of_the_inner_stream()
    {
        // 100 frames of 2-byte header + 10-byte payload, read as the WebSocket reads them: header, then payload.
        var inner = new CountingStream(new byte[1200]);
        await using var sut = new PooledReadStream(inner, []);

        var target = new byte[10];
        for (var i = 0; i < 100; i++)
        {
            Assert.That(await sut.ReadAsync(target.AsMemory(0, 2)), Is.EqualTo(2));
            Assert.That(await sut.ReadAsync(target.AsMemory(0, 10)), Is.EqualTo(10));
        }

        Assert.That(inner.Reads, Is.EqualTo(1));
        Assert.That(await sut.ReadAsync(Memory<byte>.Empty), Is.EqualTo(0));
        Assert.That(inner.Reads, Is.EqualTo(2), "once drained, the zero-byte read waits on the inner stream");
        Assert.That(await sut.ReadAsync(target), Is.EqualTo(0), "the end of the inner stream");
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public int Reads { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
