using Reliably.Rx.Buffers;

namespace Reliably.Rx.Tests.Buffers;

/// <summary>A text value written by one thread and read from others (a sequence lock).</summary>
[TestFixture]
public sealed class PublishedTextTests
{
    [Test]
    public void Values_round_trip_longer_shorter_empty_and_null()
    {
        var holder = new Holder();
        Assert.That(holder.Text.Read(), Is.Null);
        foreach (var value in new[] { "a", "a much longer value than the first, past the buffer's first size", "short", string.Empty, null, "back" })
        {
            holder.Text.Set(value);
            Assert.That(holder.Text.Read(), Is.EqualTo(value));
        }
    }

    [Test]
    public void A_shared_value_is_held_as_it_is_without_a_copy_and_a_later_Set_copies()
    {
        var holder = new Holder();
        var serial = new string('s', 40);
        holder.Text.Set("a value copied into a buffer");
        var before = GC.GetAllocatedBytesForCurrentThread();
        holder.Text.SetShared(serial);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, "holding a shared value allocates nothing");
        Assert.That(holder.Text.Read(), Is.SameAs(serial));

        holder.Text.Set("copied again");
        Assert.That(holder.Text.Read(), Is.EqualTo("copied again"));
        holder.Text.SetShared(null);
        Assert.That(holder.Text.Read(), Is.Null);
    }

    [Test]
    public void A_concurrent_reader_never_sees_a_value_that_was_not_written_whole()
    {
        // Values of different lengths and characters: a read that mixed two writes would be none of them. The buffer
        // also grows while the reader reads (the longest value comes last in each cycle the first time).
        var values = new[] { "aaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb", "c", "dddddddddddddddddddddddddddddddddddddddddddddddddddddd", null };
        var known = new HashSet<string?>(values);
        var holder = new Holder();
        holder.Text.Set(values[0]);
        var stop = 0;
        var reads = 0L;
        var torn = new List<string?>();

        var reader = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                var read = holder.Text.Read();
                Interlocked.Increment(ref reads);
                if (!known.Contains(read))
                {
                    lock (torn)
                    {
                        torn.Add(read);
                    }
                }
            }
        });
        reader.Start();

        // The writer runs for a fixed number of writes, and at least until the reader has read many times.
        var writes = 0L;
        while (writes < 5_000_000 || (Interlocked.Read(ref reads) < 300_000 && writes < 500_000_000))
        {
            // Every third write holds its value instead of copying it, so the reader also meets the holder changing kind.
            var value = values[writes % values.Length];
            if (writes++ % 3 == 0)
            {
                holder.Text.SetShared(value);
            }
            else
            {
                holder.Text.Set(value);
            }
        }

        Volatile.Write(ref stop, 1);
        reader.Join();
        Assert.That(torn, Is.Empty, $"{torn.Count} torn reads of {reads}, for example: {torn.FirstOrDefault()}");
    }

    /// <summary>The struct lives in a class's field and is called in place, as the channel's position holds it.</summary>
    private sealed class Holder
    {
        public PublishedText Text;
    }
}
