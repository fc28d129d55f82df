using Reliably.Rx.Streams;

namespace Reliably.Rx.Tests.Streams;

/// <summary>
/// <see cref="DeliveryRing{T}"/>: a FIFO for one producer and one consumer at a time, reused while the consumer keeps up
/// and replaced by a larger ring when full, whose oldest item's time any thread may read.
/// </summary>
[TestFixture]
public sealed class DeliveryRingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public void Items_come_out_in_order_across_every_growth_of_the_ring()
    {
        var ring = new DeliveryRing<string>();
        const int count = 5 * DeliveryRing<string>.FirstSize * 8;
        for (var i = 0; i < count; i++)
        {
            ring.Enqueue(Entry(i));
            Assert.That(ring.Depth, Is.EqualTo(i + 1));
        }

        for (var i = 0; i < count; i++)
        {
            Assert.That(ring.TryDequeue(out var entry), Is.True);
            Assert.That((entry.Value, entry.Ticks), Is.EqualTo((i.ToString(), (long)i)));
        }

        Assert.That(ring.TryDequeue(out _), Is.False);
        Assert.That((ring.Depth, ring.IsEmpty, ring.Enqueued, ring.Taken), Is.EqualTo((0L, true, (long)count, (long)count)));
    }

    [Test]
    public void A_consumer_that_keeps_up_gets_every_item_in_order_across_the_rings_end()
    {
        var ring = new DeliveryRing<string>();
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 1000; round++)
        {
            // Never more than the first ring holds: the slots are reused, round after round, across its end.
            for (var i = 0; i < 7; i++)
            {
                ring.Enqueue(Entry(next++));
            }

            while (ring.TryDequeue(out var entry))
            {
                Assert.That(entry.Ticks, Is.EqualTo(expected++));
            }
        }

        Assert.That(expected, Is.EqualTo(7000));
    }

    [Test]
    public void The_producer_moves_to_a_larger_ring_while_the_consumer_is_still_in_the_first()
    {
        var ring = new DeliveryRing<string>();
        var next = 0;
        var expected = 0;
        for (var i = 0; i < DeliveryRing<string>.FirstSize - 2; i++)
        {
            ring.Enqueue(Entry(next++));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.That(ring.TryDequeue(out var entry) && entry.Ticks == expected++, Is.True);
        }

        // Wraps around the first ring, fills it, then moves on while five-plus items wait in the first one.
        for (var i = 0; i < 3 * DeliveryRing<string>.FirstSize; i++)
        {
            ring.Enqueue(Entry(next++));
        }

        Assert.That(ring.Values().Select(int.Parse), Is.EqualTo(Enumerable.Range(expected, next - expected)));
        Assert.That(ring.TryPeek(out var oldest) && oldest.Ticks == expected, Is.True);
        while (ring.TryDequeue(out var entry))
        {
            Assert.That(entry.Ticks, Is.EqualTo(expected++));
        }

        Assert.That(expected, Is.EqualTo(next));
    }

    [Test]
    public void The_oldest_items_time_is_readable_and_the_completion_is_left_out_of_the_values()
    {
        var ring = new DeliveryRing<string>();
        Assert.That(ring.TryPeekOldestTicks(out _), Is.False);
        ring.Enqueue(Entry(41));
        ring.Enqueue(Entry(42));
        ring.Enqueue(DeliveryEntry<string>.Completion);

        Assert.That(ring.TryPeekOldestTicks(out var ticks) ? ticks : -1, Is.EqualTo(41));
        Assert.That(ring.Values(), Is.EqualTo(new[] { "41", "42" }));
        ring.TryDequeue(out _);
        Assert.That(ring.TryPeekOldestTicks(out ticks) ? ticks : -1, Is.EqualTo(42));
        ring.TryDequeue(out _);
        Assert.That(ring.TryPeekOldestTicks(out ticks) ? ticks : -1, Is.EqualTo(DeliveryEntry<string>.CompletionTicks));
        ring.TryDequeue(out _);
        Assert.That((ring.Depth, ring.TryPeekOldestTicks(out _)), Is.EqualTo((0L, false)));
    }

    [Test]
    public void The_producers_bound_on_the_depth_is_never_below_it_and_refreshes_to_it()
    {
        var ring = new DeliveryRing<string>();
        for (var i = 0; i < 10; i++)
        {
            ring.Enqueue(Entry(i));
        }

        for (var i = 0; i < 4; i++)
        {
            ring.TryDequeue(out _);
        }

        Assert.That(ring.DepthBound, Is.EqualTo(10), "the producer has not read the consumer's count since it started");
        Assert.That(ring.RefreshDepth(), Is.EqualTo(6));
        Assert.That(ring.DepthBound, Is.EqualTo(6));
    }

    [Test]
    public void A_taken_item_is_released_for_the_collector()
    {
        var ring = new DeliveryRing<object>();
        var weak = EnqueueUnreferenced(ring);
        Assert.That(TakeAndDrop(ring), Is.True);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.That(weak.IsAlive, Is.False, "the slot still holds the value after it was taken");
    }

    [Test]
    public void One_producer_and_one_consumer_on_two_threads_and_a_reader_of_the_oldest_time_on_a_third()
    {
        var ring = new DeliveryRing<string>();
        const int count = 2_000_000;
        var value = "v";
        using var done = new CancellationTokenSource();
        var problems = new List<string>();

        var producer = Task.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                ring.Enqueue(new DeliveryEntry<string>(value, i));
            }
        });
        var consumer = Task.Run(() =>
        {
            var expected = 0L;
            while (expected < count)
            {
                if (ring.TryDequeue(out var entry))
                {
                    if (entry.Ticks != expected || !ReferenceEquals(entry.Value, value))
                    {
                        lock (problems)
                        {
                            problems.Add($"took {entry.Ticks} ({entry.Value ?? "null"}) where {expected} was next");
                        }

                        return;
                    }

                    expected++;
                }
            }
        });
        var reader = Task.Run(() =>
        {
            // The item with time t is the t-th queued: the oldest's time lies between the counts read around it.
            while (!done.IsCancellationRequested)
            {
                var before = ring.Taken;
                if (ring.TryPeekOldestTicks(out var ticks))
                {
                    var after = ring.Enqueued;
                    if (ticks < before || ticks >= after)
                    {
                        lock (problems)
                        {
                            problems.Add($"oldest time {ticks} outside [{before}, {after})");
                        }

                        return;
                    }
                }
            }
        });

        Assert.That(Task.WhenAll(producer, consumer).Wait(Timeout), Is.True, "the two threads did not finish");
        done.Cancel();
        Assert.That(reader.Wait(Timeout), Is.True);
        Assert.That(problems, Is.Empty);
        Assert.That(ring.Depth, Is.Zero);
    }

    private static DeliveryEntry<string> Entry(int i) => new(i.ToString(), i);

    // Both in methods of their own: a debug build keeps a method's locals (the entry taken included) alive to its end.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool TakeAndDrop(DeliveryRing<object> ring) => ring.TryDequeue(out _);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference EnqueueUnreferenced(DeliveryRing<object> ring)
    {
        var value = new object();
        ring.Enqueue(new DeliveryEntry<object>(value, 1));
        return new WeakReference(value);
    }
}
