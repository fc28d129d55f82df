using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// <see cref="PooledReadStream"/>, the read buffer under the plain transport's own-upgrade WebSocket: the bytes read after
/// the response head come first, small reads are served from one read of the inner stream, a zero-byte read answers at
/// once while data is buffered and goes to the inner stream (the idle wait) only once the buffer is drained. Writes in a
/// batch reach the inner stream as one write when the batch ends, in order, with a write too large for the batch's room
/// written after what was gathered.
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

    [Test]
    public async Task A_batch_of_writes_reaches_the_inner_stream_in_one_write_in_order()
    {
        var inner = new CountingStream([]);
        await using var sut = new PooledReadStream(inner, []);

        sut.BeginBatch();
        var expected = new List<byte>();
        for (var i = 0; i < 100; i++)
        {
            var frame = new[] { (byte)i, (byte)(i + 1), (byte)(i + 2) };
            expected.AddRange(frame);
            var write = sut.WriteAsync(frame);
            Assert.That(write.IsCompletedSuccessfully, Is.True, "gathered, not awaited on the socket");
        }

        Assert.That(inner.Writes, Is.Empty, "nothing reaches the socket before the batch ends");
        await sut.EndBatchAsync();
        Assert.That(inner.Writes, Has.Count.EqualTo(1));
        Assert.That(inner.Writes[0], Is.EqualTo(expected.ToArray()));

        await sut.EndBatchAsync();
        Assert.That(inner.Writes, Has.Count.EqualTo(1), "an empty batch writes nothing");
        await sut.WriteAsync(new byte[] { 7 });
        Assert.That(inner.Writes, Has.Count.EqualTo(2), "outside a batch a write goes straight through");
    }

    [Test]
    public async Task A_write_past_the_batchs_room_goes_out_after_what_was_gathered()
    {
        var inner = new CountingStream([]);
        await using var sut = new PooledReadStream(inner, []);

        sut.BeginBatch();
        await sut.WriteAsync(new byte[] { 1, 2 });
        var large = Enumerable.Repeat((byte)9, 20_000).ToArray();
        await sut.WriteAsync(large);
        await sut.WriteAsync(new byte[] { 3 });
        await sut.EndBatchAsync();

        Assert.That(inner.Writes.Select(w => w.Length), Is.EqualTo(new[] { 2, 20_000, 1 }));
        Assert.That(inner.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 1, 2 }.Concat(large).Append((byte)3)));
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public int Reads { get; private set; }

        /// <summary>Each write that reached this stream, as its bytes.</summary>
        public List<byte[]> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
